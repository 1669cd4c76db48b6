#!/usr/bin/env python3
"""Host side of tests/guest/net-arm64.sh (make check-net).

    nettool.py ports N                 N distinct free TCP ports on 127.0.0.1
    nettool.py serve PORTFILE LOG TOKEN
        a TCP server on 127.0.0.1, port chosen by the kernel and written to
        PORTFILE; for each connection it reads one line (up to 30 s), logs
        "conn got=LINE" to LOG and answers "HOSTSAYS TOKEN got=LINE". Runs
        until killed.
    nettool.py connect PORT SEND DEADLINE [PID]
        connects to 127.0.0.1:PORT (a hostfwd rule), sends SEND and a newline,
        half-closes, and prints what comes back until EOF. A connection that
        ends with nothing received (the guest was not listening yet: the
        forwarder's connection to the guest was refused) is retried until
        DEADLINE seconds have passed, or process PID (the emulator) is gone.
        Exit 0 when something came back.
    nettool.py waitlisten PORT DEADLINE
        waits until something listens on 127.0.0.1:PORT (binding it fails),
        without connecting to it. Exit 0 when it does.
    nettool.py iperf JSON
        from an iperf3 server's JSON log (iperf3 -s -1 -J --logfile JSON),
        prints "sent=BYTES received=BYTES seconds=S sent_bps=B received_bps=B",
        exit 1 when the file holds no finished test.

Nothing here measures or asserts speed: deadlines only bound waiting.
"""
import errno
import json
import os
import socket
import sys
import threading
import time


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


def serve(portfile, log, token):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
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

    # The port file appears only once the server listens.
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    while True:
        c, _ = srv.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()


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


def waitlisten(port, deadline):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", port))
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


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "ports" and len(args) == 1:
        return ports(int(args[0]))
    if cmd == "serve" and len(args) == 3:
        return serve(*args)
    if cmd == "connect" and len(args) in (3, 4):
        return connect(int(args[0]), args[1], float(args[2]),
                       int(args[3]) if len(args) == 4 else None)
    if cmd == "waitlisten" and len(args) == 2:
        return waitlisten(int(args[0]), float(args[1]))
    if cmd == "iperf" and len(args) == 1:
        return iperf(args[0])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
