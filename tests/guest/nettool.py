#!/usr/bin/env python3
"""Host side of tests/guest/net-arm64.sh and net-user-arm64.sh (make check-net).

    nettool.py ports N                 N distinct free TCP ports on 127.0.0.1
    nettool.py serve PORTFILE LOG TOKEN [ADDR]
        a TCP server on ADDR (default 127.0.0.1; ::1 for IPv6), port chosen
        by the kernel and written to PORTFILE; for each connection it reads
        one line (up to 30 s), logs "conn got=LINE" to LOG and answers
        "HOSTSAYS TOKEN got=LINE". Runs until killed.
    nettool.py gfserve PORTFILE LOG TOKEN
        the host end of a guestfwd chardev (tcp:127.0.0.1:PORT), which
        connects once and stays connected: on 127.0.0.1, port to PORTFILE;
        per connection, line commands until EOF:
          ECHO X   logs "echo got=X", answers "HOSTSAYS TOKEN got=X"
          SEND N   sends N random bytes, logs "sent N SHA256"
          RECV N   reads N bytes, logs "recv N SHA256"
        Runs until killed.
    nettool.py gfcmd LOG TOKEN
        a guestfwd cmd: program (its stdin and stdout are the guest's
        connection): reads one line, logs "cmd got=LINE" to LOG, writes
        "CMDSAYS TOKEN got=LINE".
    nettool.py innet ADDR NET
        exit 0 when ADDR (an address, or ADDR/LEN) lies in NET (IPv4 or
        IPv6 prefix/length), else 1 with the reason.
    nettool.py icmp
        which ICMP socket this host lets a process like this one open: prints
        "dgram" (a ping socket) or "raw"; exit 1 with the reason when neither.
    nettool.py connect PORT SEND DEADLINE [PID]
        connects to 127.0.0.1:PORT (a hostfwd rule), sends SEND and a newline,
        half-closes, and prints what comes back until EOF. A connection that
        ends with nothing received (the guest was not listening yet: the
        forwarder's connection to the guest was refused) is retried until
        DEADLINE seconds have passed, or process PID (the emulator) is gone.
        Exit 0 when something came back.
    nettool.py waitlisten PORT DEADLINE [ADDR]
        waits until something listens on ADDR:PORT (default 127.0.0.1;
        binding it fails), without connecting to it. Exit 0 when it does.
    nettool.py iperf JSON
        from an iperf3 server's JSON log (iperf3 -s -1 -J --logfile JSON),
        prints "sent=BYTES received=BYTES seconds=S sent_bps=B received_bps=B",
        exit 1 when the file holds no finished test.
    nettool.py iperfudp JSON
        from an iperf3 UDP client's JSON (-u -J): prints "bytes=B packets=N
        lost=L" (the datagrams the server reported, lost ones among them),
        exit 1 when the file holds no finished test.

Nothing here measures or asserts speed: deadlines only bound waiting.
"""
import errno
import hashlib
import ipaddress
import json
import os
import socket
import sys
import threading
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def ports(n):
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        print(" ".join(str(s.getsockname()[1]) for s in socks))
    finally:
        for s in socks:
            s.close()
    return 0


def listener(portfile, addr):
    """A listening TCP socket on addr, its port in portfile once it listens."""
    srv = socket.socket(family(addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, 0))
    srv.listen(8)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    return srv


def serve(portfile, log, token, addr="127.0.0.1"):
    srv = listener(portfile, addr)
    lock = threading.Lock()

    def note(text):
        with lock, open(log, "a") as f:
            f.write(text + "\n")

    def handle(c):
        c.settimeout(30)
        data = b""
        try:
            while b"\n" not in data and len(data) < 4096:
                b = c.recv(4096)
                if not b:
                    break
                data += b
        except OSError as e:
            note("conn error=%s" % e)
        line = data.split(b"\n")[0].decode("ascii", "replace").strip()
        note("conn got=%s" % (line or "-"))
        try:
            c.sendall(("HOSTSAYS %s got=%s\n" % (token, line or "-")).encode())
        except OSError:
            pass
        c.close()

    while True:
        c, _ = srv.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()


def gfserve(portfile, log, token):
    srv = listener(portfile, "127.0.0.1")
    lock = threading.Lock()

    def note(text):
        with lock, open(log, "a") as f:
            f.write(text + "\n")

    def handle(c):
        f = c.makefile("rb")
        note("connected")
        try:
            while True:
                line = f.readline()
                if not line:
                    break
                w = line.decode("ascii", "replace").split()
                if len(w) == 2 and w[0] == "ECHO":
                    note("echo got=%s" % w[1])
                    c.sendall(("HOSTSAYS %s got=%s\n" % (token, w[1])).encode())
                elif len(w) == 2 and w[0] == "SEND" and w[1].isdigit():
                    data = os.urandom(int(w[1]))
                    c.sendall(data)
                    note("sent %d %s" % (len(data), hashlib.sha256(data).hexdigest()))
                elif len(w) == 2 and w[0] == "RECV" and w[1].isdigit():
                    data = f.read(int(w[1]))
                    note("recv %d %s" % (len(data), hashlib.sha256(data).hexdigest()))
                else:
                    note("bad line %r" % line[:80])
        except OSError as e:
            note("error %s" % e)
        note("closed")
        c.close()

    while True:
        c, _ = srv.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()


def gfcmd(log, token):
    line = sys.stdin.readline().strip()
    with open(log, "a") as f:
        f.write("cmd got=%s\n" % (line or "-"))
    sys.stdout.write("CMDSAYS %s got=%s\n" % (token, line or "-"))
    sys.stdout.flush()
    return 0


def icmp():
    why = []
    for kind, name in ((socket.SOCK_DGRAM, "dgram"), (socket.SOCK_RAW, "raw")):
        try:
            socket.socket(socket.AF_INET, kind, socket.IPPROTO_ICMP).close()
            print(name)
            return 0
        except OSError as e:
            why.append("%s: %s" % (name, e.strerror or e))
    print("no ICMP socket (%s)" % "; ".join(why))
    return 1


def alive(pid):
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def connect(port, send, deadline, pid=None):
    end = time.monotonic() + deadline
    attempts = 0
    last = "no attempt"
    while time.monotonic() < end and alive(pid):
        attempts += 1
        got = b""
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=10)
            c.settimeout(30)
            c.sendall(send.encode() + b"\n")
            c.shutdown(socket.SHUT_WR)
            while True:
                b = c.recv(4096)
                if not b:
                    break
                got += b
            c.close()
        except OSError as e:
            last = str(e)
        if got:
            sys.stdout.write(got.decode("ascii", "replace"))
            print("connect: %d attempt(s)" % attempts, file=sys.stderr)
            return 0
        if last == "no attempt":
            last = "connection closed with nothing received"
        time.sleep(0.25)
    print("connect: nothing received from 127.0.0.1:%d in %d attempt(s) (last: %s)%s"
          % (port, attempts, last, "" if alive(pid) else "; the emulator has exited"),
          file=sys.stderr)
    return 1


def waitlisten(port, deadline, addr="127.0.0.1"):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        s = socket.socket(family(addr), socket.SOCK_STREAM)
        try:
            s.bind((addr, port))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                return 0
            raise
        finally:
            s.close()
        time.sleep(0.05)
    return 1


def iperf(path):
    try:
        text = open(path).read()
    except OSError as e:
        print("iperf: %s" % e, file=sys.stderr)
        return 1
    if not text.strip():
        print("iperf: %s is empty (no test finished)" % path, file=sys.stderr)
        return 1
    try:
        d = json.loads(text)
    except ValueError as e:
        print("iperf: %s: %s" % (path, e), file=sys.stderr)
        return 1
    if "error" in d:
        print("iperf: the server reported: %s" % d["error"], file=sys.stderr)
    end = d.get("end", {})
    sent = end.get("sum_sent", {})
    recv = end.get("sum_received", {})
    if not sent and not recv:
        print("iperf: %s has no end summary" % path, file=sys.stderr)
        return 1
    print("sent=%d received=%d seconds=%.2f sent_bps=%.0f received_bps=%.0f" % (
        sent.get("bytes", 0), recv.get("bytes", 0),
        max(sent.get("seconds", 0), recv.get("seconds", 0)),
        sent.get("bits_per_second", 0), recv.get("bits_per_second", 0)))
    return 0


def innet(addr, net):
    try:
        a = ipaddress.ip_interface(addr)
        n = ipaddress.ip_network(net, strict=True)
    except ValueError as e:
        print("innet: %s" % e, file=sys.stderr)
        return 1
    if a.ip not in n:
        print("innet: %s is not in %s" % (a.ip, n), file=sys.stderr)
        return 1
    if "/" in addr and a.network.prefixlen != n.prefixlen:
        print("innet: %s has prefix length %d, %s has %d"
              % (addr, a.network.prefixlen, n, n.prefixlen), file=sys.stderr)
        return 1
    return 0


def iperfudp(path):
    try:
        d = json.load(open(path))
    except (OSError, ValueError) as e:
        print("iperfudp: %s: %s" % (path, e), file=sys.stderr)
        return 1
    if "error" in d:
        print("iperfudp: iperf3 reported: %s" % d["error"], file=sys.stderr)
    s = d.get("end", {}).get("sum", {})
    if "packets" not in s:
        print("iperfudp: %s has no UDP summary" % path, file=sys.stderr)
        return 1
    print("bytes=%d packets=%d lost=%d" % (s.get("bytes", 0), s["packets"],
                                           s.get("lost_packets", 0)))
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "ports" and len(args) == 1:
        return ports(int(args[0]))
    if cmd == "serve" and len(args) in (3, 4):
        return serve(*args)
    if cmd == "gfserve" and len(args) == 3:
        return gfserve(*args)
    if cmd == "gfcmd" and len(args) == 2:
        return gfcmd(*args)
    if cmd == "innet" and len(args) == 2:
        return innet(*args)
    if cmd == "icmp" and not args:
        return icmp()
    if cmd == "iperfudp" and len(args) == 1:
        return iperfudp(args[0])
    if cmd == "connect" and len(args) in (3, 4):
        return connect(int(args[0]), args[1], float(args[2]),
                       int(args[3]) if len(args) == 4 else None)
    if cmd == "waitlisten" and len(args) in (2, 3):
        return waitlisten(int(args[0]), float(args[1]), *args[2:])
    if cmd == "iperf" and len(args) == 1:
        return iperf(args[0])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
