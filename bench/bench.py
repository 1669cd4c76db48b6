#!/usr/bin/env python3
"""make bench: ferry and QEMU 7.2 (TCG), side by side, on the same machine, with
the same command line (only the binary differs).

    python3 bench/bench.py [--quick] [options]        (make bench [QUICK=1])

For every board (virt, q35) it boots the guest kit of `make guests` under both
emulators, several runs each, and measures:

  boot    wall time from start to the FERRY-MARK init marker, and to exit after poweroff
  cpu     sha256 of 64 MiB and gzip of 32 MiB of zeros inside the guest, timed by
          the guest's /proc/uptime, results checked against hashes computed here
  net     iperf3 TCP guest->host and host->guest for each NIC model x backend pair,
          measured by the host-side iperf3; the driver the guest bound (nic marker)
          must be the model's, or the figure fails
  idle    host CPU time (utime+stime, /proc/PID/stat) of a booted idle guest over 10 s
  memory  peak RSS of the emulator process (VmHWM at exit, from wait4's ru_maxrss)

and writes build/bench/report.md, results.json, ratios.svg and one console log
per run under build/bench/logs/. Nothing is ever made up: a figure ferry (or
QEMU) cannot do reads "not yet: <what the emulator printed>" (or "failed: ...").
Networking stays on this machine: host services listen on 127.0.0.1 (user
networking, reached from the guest as 10.0.2.2 and through hostfwd) or inside
a network namespace the bench creates (tap, root only).

docs/bench.md describes the figures and how they are measured.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---- what is measured -----------------------------------------------------------------

# Per board: the kit, the binaries, the console, and the NIC models with the
# driver the guest must bind to each ("transport" for virtio: pci or mmio).
BOARDS = {
    "virt": {
        "title": "virt (aarch64)", "arch": "arm64", "qemu": "qemu-system-aarch64",
        "ferry": "ferry-system-aarch64", "machine": "virt", "kernel": "Image",
        "console": "ttyAMA0",
        "models": [
            ("virtio-net-pci", ["virtio_net"], "pci"),
            ("virtio-net-device", ["virtio_net"], "mmio"),
            ("e1000e", ["e1000e"], None),
            ("e1000", ["e1000"], None),
            ("rtl8139", ["8139cp", "8139too"], None),
        ],
    },
    "q35": {
        "title": "q35 (x86-64)", "arch": "amd64", "qemu": "qemu-system-x86_64",
        "ferry": "ferry-system-x86_64", "machine": "q35", "kernel": "bzImage",
        "console": "ttyS0",
        "models": [
            ("virtio-net-pci", ["virtio_net"], "pci"),
            ("e1000e", ["e1000e"], None),
            ("e1000", ["e1000"], None),
            ("rtl8139", ["8139cp", "8139too"], None),
        ],
    },
}
QUICK_MODELS = ("virtio-net-pci", "virtio-net-device")
BACKENDS = ("user", "tap")

# tap: a namespace of our own holding one tap device; nothing else is touched.
TAP_HOST_IP, TAP_GUEST_IP, TAP_PREFIX = "192.168.77.1", "192.168.77.2", 24
USER_HOST_IP = "10.0.2.2"          # the host's 127.0.0.1 as user networking shows it
GUEST_IPERF_PORT = 5201

SHA_BYTES, GZIP_BYTES = 64 << 20, 32 << 20

# The CPU workload, run by the kit's /init (ferry.cmd) after `ready`. Each
# timed step is bracketed by /proc/uptime; the checks run outside the timing.
CPU_CMD = r"""up() { cut -d" " -f1 /proc/uptime; }
t0=$(up); h=$(head -c %(sha)d /dev/zero | sha256sum); t1=$(up)
echo "BENCH-CPU work=sha256 start=$t0 end=$t1 result=${h%%%% *}"
t0=$(up); head -c %(gz)d /dev/zero | gzip -c >/tmp/bench.gz; t1=$(up)
h=$(gzip -dc /tmp/bench.gz | sha256sum)
echo "BENCH-CPU work=gzip start=$t0 end=$t1 size=$(($(wc -c </tmp/bench.gz))) result=${h%%%% *}"
""" % {"sha": SHA_BYTES, "gz": GZIP_BYTES}


def expected_hashes():
    z = bytes(1 << 20)
    a, b = hashlib.sha256(), hashlib.sha256()
    for _ in range(SHA_BYTES >> 20):
        a.update(z)
    for _ in range(GZIP_BYTES >> 20):
        b.update(z)
    return {"sha256": a.hexdigest(), "gzip": b.hexdigest()}


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


# ---- processes we started, and their end ----------------------------------------------

LIVE = set()          # Emu and Helper objects still to be stopped
NETNS = []            # network namespaces to delete


def cleanup():
    for p in list(LIVE):
        try:
            p.stop()
        except Exception as e:  # keep going: everything else must still go
            log("cleanup: %s" % e)
    for ns in list(NETNS):
        subprocess.run(["ip", "netns", "del", ns], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        NETNS.remove(ns)


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


def exit_status(st):
    if os.WIFEXITED(st):
        return os.WEXITSTATUS(st)
    if os.WIFSIGNALED(st):
        return -os.WTERMSIG(st)
    return st


class Proc:
    """A child in its own session (so a whole group can be signalled), reaped
    by a thread with wait4 so its peak RSS and CPU time are known at exit."""

    def __init__(self, argv, stdout, cwd=TOP):
        self.argv = list(argv)
        self.cond = threading.Condition()
        self.reaped = False
        self.status = None
        self.rusage = None
        self.t0 = time.monotonic()
        self.t_exit = None
        self.start_error = None
        try:
            self.popen = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=stdout,
                                          stderr=subprocess.STDOUT, start_new_session=True,
                                          cwd=cwd)
        except OSError as e:
            self.popen = None
            self.start_error = "%s: %s" % (self.argv[0], e.strerror or e)
            self.reaped = True
            self.status = 127
            return
        self.pid = self.popen.pid
        LIVE.add(self)
        threading.Thread(target=self._reap, daemon=True).start()

    def _reap(self):
        while True:
            try:
                _, st, ru = os.wait4(self.pid, 0)
                break
            except InterruptedError:
                continue
            except ChildProcessError:
                st, ru = 0, None
                break
        t = time.monotonic()
        with self.cond:
            self.status, self.rusage, self.t_exit = exit_status(st), ru, t
            self.popen.returncode = self.status
            self.reaped = True
            self.cond.notify_all()
        LIVE.discard(self)

    def exited(self):
        return self.reaped

    def wait(self, timeout):
        """True when the process has exited within timeout seconds."""
        end = time.monotonic() + timeout
        with self.cond:
            while not self._done():
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
        return True

    def _done(self):
        return self.reaped

    def signal(self, sig):
        with self.cond:
            if not self.reaped:
                try:
                    os.killpg(self.pid, sig)
                except ProcessLookupError:
                    pass

    def stop(self):
        """SIGTERM to the group, SIGKILL after 5 s."""
        if self.popen is None:
            return
        self.signal(signal.SIGTERM)
        if not self.wait(5):
            self.signal(signal.SIGKILL)
            self.wait(5)

    def cpu_ticks(self):
        """utime+stime of the running process (clock ticks), None once gone."""
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                s = f.read()
        except OSError:
            return None
        fields = s[s.rindex(")") + 2:].split()
        return int(fields[11]) + int(fields[12])

    def maxrss_kb(self):
        if self.rusage is not None:
            return self.rusage.ru_maxrss
        return None


class Emu(Proc):
    """An emulator: its console (stdout and stderr) read line by line with the
    host time each line arrived, FERRY-MARK lines parsed as they come."""

    def __init__(self, argv, log_path):
        self.lines = []      # (t, text)
        self.marks = []      # (t, event, {key: value})
        self.eof = False
        self.logf = open(log_path, "w", encoding="utf-8", errors="replace")
        self.logf.write("# %s\n" % " ".join(shlex.quote(a) for a in argv))
        self.logf.flush()
        super().__init__(argv, subprocess.PIPE)
        if self.popen is None:
            self.eof = True
            self.logf.write("%s\n" % self.start_error)
            self.logf.close()
            return
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in iter(self.popen.stdout.readline, b""):
            t = time.monotonic() - self.t0
            text = raw.decode("utf-8", "replace").replace("\r", "").rstrip("\n")
            self.logf.write(text + "\n")
            m = parse_mark(text)
            with self.cond:
                self.lines.append((t, text))
                if m:
                    self.marks.append((t, m[0], m[1]))
                self.cond.notify_all()
        self.logf.close()
        self.popen.stdout.close()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def _done(self):
        return self.reaped and self.eof

    def wait_mark(self, event, timeout, where=None):
        """The first (t, keys) of a marker `event` (whose keys satisfy `where`),
        or None if the emulator ended or timeout seconds passed first."""
        end = time.monotonic() + timeout
        i = 0
        with self.cond:
            while True:
                while i < len(self.marks):
                    t, ev, kv = self.marks[i]
                    i += 1
                    if ev == event and (where is None or where(kv)):
                        return t, kv
                if self._done():
                    return None
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def kernel_trouble(self):
        """The first line where the guest kernel reported a crash, lockup or
        panic, without its timestamp; None if there was none."""
        with self.cond:
            for _, t in self.lines:
                if KERNEL_TROUBLE.search(t):
                    return re.sub(r"^\[\s*[0-9.]+\]\s*", "", t).strip()[:200]
        return None

    def exit_wall(self):
        return None if self.t_exit is None else self.t_exit - self.t0

    def find_marks(self, event):
        with self.cond:
            return [kv for _, ev, kv in self.marks if ev == event]

    def output_lines(self, pattern):
        with self.cond:
            return [t for _, t in self.lines if pattern in t]

    def why(self, waiting_for, timeout):
        """Why a run did not get what it waited for, in the emulator's own words
        where it said any."""
        with self.cond:
            text = [t for _, t in self.lines if t.strip()]
        if self.start_error:
            return self.start_error
        last = text[-1].strip() if text else ""
        if len(last) > 240:
            last = last[:240] + "..."
        if self.reaped and self.eof:
            if not last:
                return "exited with status %s before %s, printing nothing" % (self.status, waiting_for)
            return "%s [exit status %s before %s]" % (last, self.status, waiting_for)
        return "no %s within %g s%s" % (waiting_for, timeout,
                                          ("; last console line: %s" % last) if last else "")


KERNEL_TROUBLE = re.compile(r"Kernel panic|Internal error:|Unable to handle kernel|BUG: |"
                            r"general protection fault|rcu_sched self-detected stall")


def parse_mark(line):
    """('event', {key: value}) for a line holding a FERRY-MARK, else None."""
    i = line.find("FERRY-MARK ")
    if i < 0:
        return None
    words = line[i + len("FERRY-MARK "):].split()
    if not words or not re.fullmatch(r"[a-z-]+", words[0]):
        return None
    kv = {}
    for w in words[1:]:
        if "=" in w:
            k, v = w.split("=", 1)
            kv[k] = v
    return words[0], kv


def parse_cpu_lines(lines):
    """{work: {key: value}} from the workload's BENCH-CPU lines."""
    out = {}
    for line in lines:
        i = line.find("BENCH-CPU ")
        if i < 0:
            continue
        kv = dict(w.split("=", 1) for w in line[i:].split()[1:] if "=" in w)
        if "work" in kv:
            out[kv["work"]] = kv
    return out


def cpu_results(lines, want):
    """{'cpu.sha256': ('ok', s) | ('fail', why), 'cpu.gzip': ...} from the
    workload's output; want = expected_hashes()."""
    got = parse_cpu_lines(lines)
    res = {}
    for work in ("sha256", "gzip"):
        fid = "cpu." + work
        kv = got.get(work)
        if kv is None:
            res[fid] = ("fail", "no BENCH-CPU line for %s in the guest's output" % work)
            continue
        if kv.get("result") != want[work]:
            res[fid] = ("fail", "wrong %s result %s (expected %s)" % (work, kv.get("result"), want[work]))
            continue
        try:
            dt = float(kv["end"]) - float(kv["start"])
        except (KeyError, ValueError):
            res[fid] = ("fail", "unreadable timing in %r" % kv)
            continue
        res[fid] = ("ok", dt)
    return res


def iperf_bps(text):
    """(bits per second as the receiver counted them, None) or (None, why)
    from iperf3 -J output."""
    try:
        data = json.loads(text)
    except ValueError:
        t = text.strip().splitlines()
        return None, "iperf3 printed no JSON%s" % ((": " + t[-1][:200]) if t else "")
    if data.get("error"):
        return None, "iperf3: %s" % data["error"]
    try:
        return float(data["end"]["sum_received"]["bits_per_second"]), None
    except (KeyError, TypeError, ValueError):
        return None, "iperf3 JSON without end.sum_received.bits_per_second"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def encode_cmd(cmd):
    """The kit's own encoder (tests/guest/kit/encode-cmd.sh): ferry.cmd=..."""
    out = subprocess.run(["sh", os.path.join(TOP, "tests/guest/kit/encode-cmd.sh"), cmd],
                         stdout=subprocess.PIPE, check=True, universal_newlines=True)
    return out.stdout.strip()


def qjoin(argv):
    return " ".join(shlex.quote(a) for a in argv)


# ---- one board, one emulator, one run --------------------------------------------------

class Bench:
    def __init__(self, args):
        self.a = args
        self.logdir = os.path.join(args.out, "logs")
        self.want = expected_hashes()
        self.cmdlines = {}     # what -> argv string (EMU as the binary)
        self.netns = None
        self.tap_reason = None
        self.notes = []
        self.last_emu = None

    # the command line, identical for both emulators but for argv[0]
    def argv(self, b, emu_bin, params, netdev, model):
        kit = os.path.join(self.a.build, "guests", b["arch"])
        append = "console=%s panic=-1%s" % (b["console"], "".join(" " + p for p in params))
        return [emu_bin, "-M", b["machine"], "-cpu", self.a.cpu, "-smp", str(self.a.smp),
                "-m", self.a.mem, "-nographic", "-no-reboot",
                "-kernel", os.path.relpath(os.path.join(kit, b["kernel"]), TOP),
                "-initrd", os.path.relpath(os.path.join(kit, "initramfs.cpio.gz"), TOP),
                "-append", append, "-netdev", netdev, "-device", "%s,netdev=n0" % model]

    def start(self, b, emu, what, i, params, netdev="user,id=n0",
              model="virtio-net-pci", prefix=()):
        d = os.path.join(self.logdir, b["name"])
        os.makedirs(d, exist_ok=True)
        argv = list(prefix) + self.argv(b, b["bin"][emu], params, netdev, model)
        key = "%s, %s" % (b["title"], what)
        if key not in self.cmdlines:
            shown = list(argv)
            shown[len(prefix)] = "EMU"
            self.cmdlines[key] = qjoin(shown)
        self.last_emu = Emu(argv, os.path.join(d, "%s-%s-%d.log" % (what.replace("/", "_"), emu, i + 1)))
        return self.last_emu

    # boot: start -> init marker, start -> exit after poweroff; peak RSS
    def run_boot(self, b, emu, i):
        e = self.start(b, emu, "boot", i, [])
        to = self.a.boot_timeout
        try:
            m = e.wait_mark("init", to)
            if m is None:
                return fail_all(["boot.init", "boot.exit", "mem.boot"],
                                e.why("init marker", to), timeout=not e.exited())
            res = {"boot.init": ("ok", m[0])}
            if e.wait_mark("poweroff", to) is None or not e.wait(60):
                why = e.why("poweroff and exit", to)
                res.update({"boot.exit": ("fail", why), "mem.boot": ("fail", why)})
                return res
            if e.status != 0:
                why = "exit status %s after poweroff" % e.status
                res.update({"boot.exit": ("fail", why), "mem.boot": ("fail", why)})
                return res
            res["boot.exit"] = ("ok", e.exit_wall())
            res["mem.boot"] = ("ok", e.maxrss_kb() / 1024.0)
            return res
        finally:
            e.stop()

    # cpu: the workload, timed by the guest
    def run_cpu(self, b, emu, i):
        e = self.start(b, emu, "cpu", i, [encode_cmd(CPU_CMD)])
        to = self.a.cpu_timeout
        try:
            m = e.wait_mark("cmd", to)
            if m is None:
                return fail_all(["cpu.sha256", "cpu.gzip"], e.why("cmd marker", to),
                                timeout=not e.exited() and not e.find_marks("init"))
            res = cpu_results(e.output_lines("BENCH-CPU "), self.want)
            if m[1].get("rc") != "0":
                for k in res:
                    if res[k][0] == "ok":
                        res[k] = ("fail", "workload exited with rc=%s" % m[1].get("rc"))
            e.wait_mark("poweroff", 30)
            e.wait(30)
            return res
        finally:
            e.stop()

    # idle: a booted guest waiting forever; host CPU over idle_secs
    def run_idle(self, b, emu, i):
        e = self.start(b, emu, "idle", i, ["ferry.net=dhcp", "ferry.wait=forever"])
        to = self.a.boot_timeout
        try:
            if e.wait_mark("wait", to) is None:
                return fail_all(["idle.cpu"], e.why("wait marker", to),
                                timeout=not e.exited() and not e.find_marks("init"))
            time.sleep(self.a.settle_secs)
            t1, c1 = time.monotonic(), e.cpu_ticks()
            time.sleep(self.a.idle_secs)
            t2, c2 = time.monotonic(), e.cpu_ticks()
            if c1 is None or c2 is None:
                return {"idle.cpu": ("fail", e.why("the end of the idle window", self.a.idle_secs))}
            hz = os.sysconf("SC_CLK_TCK")
            secs = (c2 - c1) / hz
            # scaled to the nominal window (the sleeps overrun by milliseconds)
            return {"idle.cpu": ("ok", secs * self.a.idle_secs / (t2 - t1))}
        finally:
            e.stop()

    # net: iperf3 guest->host (client in the guest, server here) and host->guest
    # (server in the guest, client here through hostfwd or the namespace)
    def run_net(self, b, emu, i, model, drivers, transport, backend):
        pair = "%s/%s" % (model, backend)
        ids = ["net.%s.%s.g2h" % (model, backend), "net.%s.%s.h2g" % (model, backend)]
        memid = "mem.net" if (model, backend) == (b["models"][0][0], "user") else None
        if memid:
            ids.append(memid)
        secs = self.a.iperf_secs
        if backend == "user":
            prefix, host_bind, guest_sees_host = (), "127.0.0.1", USER_HOST_IP
            fwd = free_port()
            netdev = "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:%d" % (fwd, GUEST_IPERF_PORT)
            h2g_target = ("127.0.0.1", fwd)
            netparam = "ferry.net=dhcp"
        else:
            prefix = ("ip", "netns", "exec", self.netns)
            host_bind, guest_sees_host = TAP_HOST_IP, TAP_HOST_IP
            netdev = "tap,id=n0,ifname=fbtap0,script=no,downscript=no"
            h2g_target = (TAP_GUEST_IP, GUEST_IPERF_PORT)
            netparam = "ferry.net=static:%s/%d" % (TAP_GUEST_IP, TAP_PREFIX)
        port = free_port() if backend == "user" else 5301
        srv_log = os.path.join(self.logdir, b["name"], "net-%s-%s-%s-%d.server.json" % (
            model, backend, emu, i + 1))
        srvf = open(srv_log, "w")
        server = Proc(list(prefix) + [self.a.iperf3, "-s", "-1", "-B", host_bind, "-p", str(port), "-J"],
                      srvf)
        srvf.close()
        cmd = "iperf3 -c %s -p %d -t %d --connect-timeout 10000" % (guest_sees_host, port, secs)
        e = self.start(b, emu, "net " + pair, i,
                       [netparam, "ferry.iperf=server", encode_cmd(cmd)],
                       netdev=netdev, model=model, prefix=prefix)
        to = self.a.boot_timeout
        res = {}
        try:
            if server.start_error:
                return fail_all(ids, "host iperf3: %s" % server.start_error)
            m = e.wait_mark("ready", to)
            if m is None:
                return fail_all(ids, e.why("ready marker", to),
                                timeout=not e.exited() and not e.find_marks("init"))
            nics = e.find_marks("nic")
            drv = self.check_nic(nics, drivers, transport)
            res["_driver"] = nic_desc(nics)
            if drv:
                return dict(fail_all(ids, drv), _driver=res["_driver"])
            problems = []
            links = e.find_marks("link")
            if not any(k.get("state") == "up" for k in links):
                problems.append("link not up (%s)" % (links[0].get("state") if links else "no link marker"))
            conf = e.find_marks("dhcp") + e.find_marks("static")
            if not any(k.get("result") == "ok" for k in conf):
                problems.append("no address (%s)" % ("dhcp/static failed" if conf else "no dhcp/static marker"))
            ip = e.find_marks("iperf")
            if not any(k.get("result") == "ok" for k in ip):
                problems.append("the guest's iperf3 server did not start")
            if problems:
                return dict(fail_all(ids, "; ".join(problems)), _driver=res["_driver"])
            # guest -> host: the guest's client ran as ferry.cmd right after ready
            cto = secs + 60
            m = e.wait_mark("cmd", cto)
            server.wait(15)
            server.stop()
            with open(srv_log) as f:
                bps, why = iperf_bps(f.read())
            if m is None:
                res[ids[0]] = ("fail", e.why("cmd marker (guest->host iperf3)", cto))
            elif m[1].get("rc") != "0":
                res[ids[0]] = ("fail", "guest iperf3 client exited with rc=%s%s" % (
                    m[1].get("rc"), ("; " + why) if why else ""))
            elif bps is None:
                res[ids[0]] = ("fail", why)
            else:
                res[ids[0]] = ("ok", bps / 1e9)
            # host -> guest
            if e.exited():
                res[ids[1]] = ("fail", e.why("host->guest iperf3", 0))
            else:
                argv = list(prefix) + [self.a.iperf3, "-c", h2g_target[0], "-p", str(h2g_target[1]),
                                       "-t", str(secs), "-J", "--connect-timeout", "10000"]
                out = ""
                try:
                    out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         timeout=secs + 60, universal_newlines=True, cwd=TOP).stdout
                    bps, why = iperf_bps(out)
                except subprocess.TimeoutExpired:
                    bps, why = None, "host iperf3 client still running after %d s" % (secs + 60)
                except OSError as ex:
                    bps, why = None, "host iperf3: %s" % ex
                with open(srv_log.replace(".server.json", ".client.json"), "w") as f:
                    f.write(out)
                res[ids[1]] = ("ok", bps / 1e9) if bps is not None else ("fail", why)
            e.stop()
            if memid:
                rss = e.maxrss_kb()
                res[memid] = ("ok", rss / 1024.0) if rss else ("fail", "no peak RSS (the emulator was not reaped)")
            return res
        finally:
            e.stop()
            server.stop()

    @staticmethod
    def check_nic(nics, drivers, transport):
        """None if the guest's one NIC is bound to an expected driver (and
        transport), else why not."""
        if not nics:
            return "the guest saw no NIC (no nic marker)"
        k = nics[0]
        want = "/".join(drivers) + (" (%s)" % transport if transport else "")
        if k.get("driver") not in drivers:
            return "wrong driver: the guest bound %s where %s was expected" % (nic_desc(nics), want)
        if transport and k.get("transport") != transport:
            return "wrong transport: the guest bound %s where %s was expected" % (nic_desc(nics), want)
        return None

    # ---- tap in a namespace of our own -----------------------------------------------------
    def setup_tap(self):
        if os.geteuid() != 0:
            self.tap_reason = "needs root (the bench creates a network namespace with a tap device)"
            return
        if not shutil.which("ip"):
            self.tap_reason = "no 'ip' command (iproute2)"
            return
        ns = "ferrybench-%d" % os.getpid()
        steps = [["ip", "netns", "add", ns],
                 ["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"],
                 ["ip", "netns", "exec", ns, "ip", "tuntap", "add", "dev", "fbtap0", "mode", "tap"],
                 ["ip", "netns", "exec", ns, "ip", "addr", "add", "%s/%d" % (TAP_HOST_IP, TAP_PREFIX),
                  "dev", "fbtap0"],
                 ["ip", "netns", "exec", ns, "ip", "link", "set", "fbtap0", "up"]]
        for st in steps:
            r = subprocess.run(st, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True)
            if st[2] == "add" and r.returncode == 0:
                NETNS.append(ns)
            if r.returncode != 0:
                self.tap_reason = "could not set up the namespace: %s: %s" % (
                    qjoin(st), r.stdout.strip()[:200])
                cleanup_ns(ns)
                return
        self.netns = ns
        log("tap: namespace %s with fbtap0 %s/%d (guest %s)" % (ns, TAP_HOST_IP, TAP_PREFIX, TAP_GUEST_IP))


def cleanup_ns(ns):
    if ns in NETNS:
        subprocess.run(["ip", "netns", "del", ns], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        NETNS.remove(ns)


def nic_desc(nics):
    if not nics:
        return "none"
    k = nics[0]
    s = k.get("driver", "?")
    if k.get("transport"):
        s += " (%s)" % k["transport"]
    elif k.get("bus") and k.get("bus") != "none":
        s += " (%s)" % k["bus"]
    if len(nics) > 1:
        s += " +%d more NIC(s)" % (len(nics) - 1)
    return s


def fail_all(ids, why, timeout=False):
    res = {k: ("fail", why) for k in ids}
    if timeout:
        res["_timeout"] = why
    return res


# ---- figures, cells, boards ----------------------------------------------------------------

def figure(fid, label, unit, better):
    return {"id": fid, "label": label, "unit": unit, "better": better,
            "ferry": {"state": "ok", "samples": [], "runs": 0, "reason": None},
            "qemu": {"state": "ok", "samples": [], "runs": 0, "reason": None}}


def record(fig, emu, outcome):
    """One run's outcome into a cell: any failed run fails the cell (its
    first reason is kept); samples of the runs that succeeded stay in
    results.json but make no number in the report."""
    c = fig[emu]
    c["runs"] += 1
    kind, val = outcome
    if kind == "ok":
        c["samples"].append(val)
        return
    c["failures"] = c.get("failures", 0) + 1
    if c["state"] == "ok":
        c["state"], c["reason"] = "failed", val


def skip(fig, emu, why):
    c = fig[emu]
    if c["state"] == "ok" and not c["samples"]:
        c["state"], c["reason"] = "skipped", why


def board_figures(b, models, backends, idle_secs):
    figs = [figure("boot.init", "boot: start to init marker", "s", "lower"),
            figure("boot.exit", "boot: start to exit after poweroff", "s", "lower"),
            figure("cpu.sha256", "cpu: sha256 of 64 MiB (guest uptime)", "s", "lower"),
            figure("cpu.gzip", "cpu: gzip of 32 MiB (guest uptime)", "s", "lower")]
    for model, drivers, transport in models:
        want = "/".join(drivers) + ((" " + transport) if transport else "")
        for be in backends:
            figs.append(figure("net.%s.%s.g2h" % (model, be),
                               "net %s [%s] + %s: guest→host" % (model, want, be), "Gbit/s", "higher"))
            figs.append(figure("net.%s.%s.h2g" % (model, be),
                               "net %s [%s] + %s: host→guest" % (model, want, be), "Gbit/s", "higher"))
    figs.append(figure("idle.cpu", "idle: host CPU time over %g s" % idle_secs, "CPU s", "lower"))
    figs.append(figure("mem.boot", "memory: peak RSS, boot and poweroff", "MiB", "lower"))
    if models and "user" in backends:
        figs.append(figure("mem.net", "memory: peak RSS, iperf3 on %s/user" % models[0][0], "MiB", "lower"))
    return figs


def ferry_machines(ferry_bin):
    """Machine names ferry lists in -M help (its own registry)."""
    try:
        r = subprocess.run([ferry_bin, "-M", "help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        return set(), str(e)
    names = set()
    for line in r.stdout.splitlines():
        w = line.split()
        if w and not line.startswith(" ") and not line.endswith(":"):
            names.add(w[0])
    return names, None


def bench_board(bn, bench, a):
    spec = BOARDS[bn]
    b = dict(spec, name=bn)
    b["bin"] = {"ferry": a.ferry[spec["arch"]], "qemu": a.qemu[spec["arch"]]}
    models = [m for m in spec["models"] if a.models is None or m[0] in a.models]
    if a.quick and a.models is None:
        models = [m for m in models if m[0] in QUICK_MODELS]
    backends = [x for x in a.backends if x in BACKENDS]
    board = {"board": bn, "title": spec["title"], "state": "ok", "reason": None,
             "figures": [], "drivers": []}

    # A board ferry does not have: its real answer to the boot command line,
    # and QEMU is not measured on it until ferry has the machine.
    names, err = ferry_machines(b["bin"]["ferry"])
    if spec["machine"] not in names:
        e = bench.start(b, "ferry", "boot", 0, [])
        e.wait_mark("init", min(a.boot_timeout, 60))
        e.stop()
        why = e.why("init marker", min(a.boot_timeout, 60)) if not e.find_marks("init") else \
            "-M help does not list %s" % spec["machine"]
        board["state"] = "notyet"
        board["reason"] = "%s (QEMU is measured on %s once ferry has the machine)" % (why, bn)
        log("%s: not yet: %s" % (bn, why))
        return board

    figs = board_figures(b, models, backends, a.idle_secs)
    byid = {f["id"]: f for f in figs}
    board["figures"] = figs
    dead = {}   # emu -> why: it did not boot in time once; don't wait again
    run_types = [("boot", a.runs_boot, bench.run_boot, ["boot.init", "boot.exit", "mem.boot"]),
                 ("cpu", a.runs_cpu, bench.run_cpu, ["cpu.sha256", "cpu.gzip"])]
    for model, drivers, transport in models:
        for be in backends:
            ids = ["net.%s.%s.g2h" % (model, be), "net.%s.%s.h2g" % (model, be)]
            if "mem.net" in byid and (model, be) == (models[0][0], "user"):
                ids.append("mem.net")
            if be == "tap" and bench.netns is None:
                for fid in ids:
                    for emu in ("ferry", "qemu"):
                        skip(byid[fid], emu, bench.tap_reason or "tap unavailable")
                continue
            fn = (lambda m, d, t, x: lambda b_, emu, i: bench.run_net(b_, emu, i, m, d, t, x))(
                model, drivers, transport, be)
            run_types.append(("net %s/%s" % (model, be), a.runs_net, fn, ids))
            board["drivers"].append({"pair": "%s/%s" % (model, be),
                                     "expected": "/".join(drivers) + (" (%s)" % transport if transport else ""),
                                     "ferry": None, "qemu": None})
    run_types.append(("idle", a.runs_idle, bench.run_idle, ["idle.cpu"]))

    for what, runs, fn, ids in run_types:
        drv = next((d for d in board["drivers"] if "net " + d["pair"] == what), None)
        for i in range(runs):
            for emu in ("ferry", "qemu"):
                if all(byid[f][emu]["state"] != "ok" for f in ids):
                    continue
                if emu in dead:
                    for f in ids:
                        record(byid[f], emu, ("fail", dead[emu]))
                    continue
                t = time.monotonic()
                bench.last_emu = None
                out = fn(b, emu, i)
                oops = bench.last_emu.kernel_trouble() if bench.last_emu else None
                if oops:
                    for f in ids:
                        if out.get(f, ("fail",))[0] != "ok":
                            out[f] = ("fail", "%s; the guest kernel said: %s" % (
                                out.get(f, ("fail", "not measured by this run"))[1], oops))
                for f in ids:
                    record(byid[f], emu, out.get(f, ("fail", "not measured by this run")))
                if drv is not None and out.get("_driver") and drv[emu] is None:
                    drv[emu] = out["_driver"]
                if out.get("_timeout"):
                    dead[emu] = "did not boot in time in an earlier run (%s)" % out["_timeout"]
                log("%s %s run %d/%d %s: %s (%.0f s)" % (bn, what, i + 1, runs, emu, summary(out, ids),
                                                         time.monotonic() - t))
    return board


def summary(out, ids):
    parts = []
    for f in ids:
        k, v = out.get(f, ("fail", "?"))
        parts.append("%s=%s" % (f, report.fmt_num(v) if k == "ok" else "FAIL"))
    bad = [out[f][1] for f in ids if f in out and out[f][0] != "ok"]
    s = " ".join(parts)
    if bad:
        s += " (%s)" % bad[0]
    return s


# ---- the machine and the versions -----------------------------------------------------------

def first_line(argv):
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=30, stdin=subprocess.DEVNULL)
        lines = r.stdout.strip().splitlines()
        return lines[0].strip() if lines else "?"
    except (OSError, subprocess.TimeoutExpired) as e:
        return "unavailable (%s)" % e


def machine_info():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    if not cpu:
        cpu = first_line(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"]) or platform.processor() or "?"
    osname = "?"
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    osname = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": "%s %s %s" % (
        platform.system(), platform.release(), platform.machine()), "os": osname}


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def ferry_version(ferry_bin):
    v = first_line([ferry_bin, "-version"])
    rev = first_line(["git", "-C", TOP, "rev-parse", "--short=12", "HEAD"])
    dirty = subprocess.run(["git", "-C", TOP, "status", "--porcelain", "--untracked-files=no"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           universal_newlines=True).stdout.strip()
    return "%s, git %s%s" % (v, rev, " (with uncommitted changes)" if dirty else "")


def kit_version(build, arch):
    env = {}
    try:
        with open(os.path.join(build, "guests", arch, "kit.env")) as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    k, v = line.strip().split("=", 1)
                    env[k] = v.strip("'")
    except OSError:
        return "missing (make guests)"
    return "kernel %s (%s), busybox %s, iperf3 %s" % (
        env.get("KIT_KVER", "?"), env.get("KIT_KERNEL_PKG", "?"), env.get("KIT_BUSYBOX", "?"),
        env.get("KIT_IPERF3", "?"))


# ---- main ------------------------------------------------------------------------------------------

def parse_args(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", default=env("QUICK", "") not in ("", "0"),
                   help="short run for development (QUICK=1)")
    p.add_argument("--build", default=env("BUILD", os.path.join(TOP, "build")))
    p.add_argument("--out", default=None, help="output directory (default BUILD/bench)")
    p.add_argument("--boards", default=env("BENCH_BOARDS", "virt,q35"))
    p.add_argument("--models", default=env("BENCH_MODELS"), help="comma-separated NIC models")
    p.add_argument("--backends", default=env("BENCH_BACKENDS", "user,tap"))
    p.add_argument("--runs", type=int, default=int(env("BENCH_RUNS", "0")),
                   help="runs of every figure (default: 5 boot, 3 others; quick: 2 boot, 1 others)")
    p.add_argument("--iperf-secs", type=int, default=None, help="iperf3 -t (10; quick 3)")
    p.add_argument("--idle-secs", type=float, default=float(env("BENCH_IDLE_SECS", "10")))
    p.add_argument("--settle-secs", type=float, default=float(env("BENCH_SETTLE_SECS", "3")))
    p.add_argument("--boot-timeout", type=float, default=float(env("BENCH_BOOT_TIMEOUT", "300")))
    p.add_argument("--cpu-timeout", type=float, default=float(env("BENCH_CPU_TIMEOUT", "900")))
    p.add_argument("--cpu", default=env("BENCH_CPU", "max"), help="-cpu (both emulators)")
    p.add_argument("--smp", type=int, default=int(env("BENCH_SMP", "2")))
    p.add_argument("--mem", default=env("BENCH_MEM", "1G"))
    p.add_argument("--ferry-aarch64", default=env("FERRY_AARCH64"))
    p.add_argument("--ferry-x86_64", default=env("FERRY_X86_64"))
    p.add_argument("--qemu-aarch64", default=env("QEMU_AARCH64", "qemu-system-aarch64"))
    p.add_argument("--qemu-x86_64", default=env("QEMU_X86_64", "qemu-system-x86_64"))
    p.add_argument("--iperf3", default=env("IPERF3", "iperf3"))
    p.add_argument("--report-only", action="store_true",
                   help="rewrite report.md and ratios.svg from OUT/results.json")
    p.add_argument("--update-docs", action="store_true",
                   help="copy OUT/report.md and ratios.svg into docs/bench.md (full runs only)")
    a = p.parse_args(argv)
    a.build = os.path.abspath(a.build)
    a.out = os.path.abspath(a.out or os.path.join(a.build, "bench"))
    a.ferry = {"arm64": a.ferry_aarch64 or os.path.join(a.build, "ferry-system-aarch64"),
               "amd64": a.ferry_x86_64 or os.path.join(a.build, "ferry-system-x86_64")}
    a.qemu = {"arm64": a.qemu_aarch64, "amd64": a.qemu_x86_64}
    a.boards = [x for x in a.boards.replace(" ", ",").split(",") if x]
    for x in a.boards:
        if x not in BOARDS:
            p.error("unknown board %r (valid: %s)" % (x, ", ".join(BOARDS)))
    a.models = [x for x in a.models.replace(" ", ",").split(",") if x] if a.models else None
    a.backends = [x for x in a.backends.replace(" ", ",").split(",") if x]
    for x in a.backends:
        if x not in BACKENDS:
            p.error("unknown backend %r (valid: %s)" % (x, ", ".join(BACKENDS)))
    q = a.quick
    a.runs_boot = a.runs or (2 if q else 5)
    a.runs_cpu = a.runs_net = a.runs_idle = a.runs or (1 if q else 3)
    if a.iperf_secs is None:
        a.iperf_secs = int(os.environ.get("BENCH_IPERF_SECS", "3" if q else "10"))
    return a


def write_outputs(results, out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    md = report.render_markdown(results, "ratios.svg")
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write(md)
    with open(os.path.join(out, "ratios.svg"), "w") as f:
        f.write(report.render_svg(results))
    return md


DOC_BEGIN = "<!-- bench-report:begin (written by bench/bench.py --update-docs) -->"
DOC_END = "<!-- bench-report:end -->"


def update_docs(out):
    with open(os.path.join(out, "results.json")) as f:
        results = json.load(f)
    if results["meta"].get("mode") != "full":
        sys.exit("bench: %s is from a quick run; only a full run goes into the docs" % out)
    md = report.render_markdown(results, "bench-ratios.svg")
    md = md.replace("\n# ", "\n### ").replace("\n## ", "\n### ")
    md = re.sub(r"^# .*\n", "", md)
    doc = os.path.join(TOP, "docs", "bench.md")
    with open(doc) as f:
        text = f.read()
    i, j = text.find(DOC_BEGIN), text.find(DOC_END)
    if i < 0 or j < i:
        sys.exit("bench: %s lacks the report markers" % doc)
    text = text[:i + len(DOC_BEGIN)] + "\n\n" + md.strip() + "\n\n" + text[j:]
    with open(doc, "w") as f:
        f.write(text)
    shutil.copyfile(os.path.join(out, "ratios.svg"), os.path.join(TOP, "docs", "bench-ratios.svg"))
    log("docs/bench.md and docs/bench-ratios.svg updated from %s" % out)


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    if a.update_docs:
        update_docs(a.out)
        return 0
    if a.report_only:
        with open(os.path.join(a.out, "results.json")) as f:
            results = json.load(f)
        write_outputs(results, a.out)
        print(report.render_console(results))
        return 0

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, _on_signal)
    t_start = time.monotonic()
    started = datetime.datetime.now(datetime.timezone.utc)
    if os.path.isdir(os.path.join(a.out, "logs")):
        shutil.rmtree(os.path.join(a.out, "logs"))
    os.makedirs(os.path.join(a.out, "logs"), exist_ok=True)
    for bn in a.boards:
        arch = BOARDS[bn]["arch"]
        kit = os.path.join(a.build, "guests", arch)
        for f in (BOARDS[bn]["kernel"], "initramfs.cpio.gz"):
            if not os.path.isfile(os.path.join(kit, f)):
                sys.exit("bench: %s is missing: run 'make guests' (make bench does)" % os.path.join(kit, f))
    load_start = loadavg()
    # versions first: what was measured, not what the tree became meanwhile
    versions = {"ferry": ferry_version(a.ferry["arm64"]),
                "qemu": "; ".join(sorted({first_line([a.qemu[BOARDS[bn]["arch"]], "--version"])
                                          for bn in a.boards})),
                "iperf3": first_line([a.iperf3, "--version"]),
                "python": platform.python_version()}
    for bn in a.boards:
        arch = BOARDS[bn]["arch"]
        versions["guest-" + arch] = kit_version(a.build, arch)
    bench = Bench(a)
    boards = []
    try:
        if "tap" in a.backends:
            bench.setup_tap()
        for bn in a.boards:
            boards.append(bench_board(bn, bench, a))
    finally:
        cleanup()
    elapsed = time.monotonic() - t_start

    settings = ("%s: boot %d runs, cpu %d, net %d × iperf3 -t %d, idle %d × %g s; "
                "-cpu %s -smp %d -m %s; took %.0f min" % (
                    "quick (QUICK=1)" if a.quick else "full", a.runs_boot, a.runs_cpu, a.runs_net,
                    a.iperf_secs, a.runs_idle, a.idle_secs, a.cpu, a.smp, a.mem, elapsed / 60))
    notes = []
    if a.quick:
        notes.append("QUICK=1: fewer runs, shorter iperf3 and only the virtio NIC models; "
                     "numbers for development, not for claims.")
    if bench.tap_reason and "tap" in a.backends:
        notes.append("tap pairs skipped: %s." % bench.tap_reason)
    cmdlines = [{"what": k, "argv": v} for k, v in bench.cmdlines.items()]
    cmdlines.insert(0, {"what": "The binaries (EMU below)", "argv": "\n".join(
        "%s: ferry %s, QEMU %s" % (bn, os.path.relpath(a.ferry[BOARDS[bn]["arch"]], TOP),
                                   a.qemu[BOARDS[bn]["arch"]]) for bn in a.boards)})
    machine = machine_info()
    machine["load"] = "%s at the start, %s at the end" % (load_start, loadavg())
    results = {"meta": {"date": started.strftime("%Y-%m-%d %H:%M UTC"), "mode": "quick" if a.quick else "full",
                        "elapsed_s": round(elapsed, 1), "machine": machine, "versions": versions,
                        "settings": {"summary": settings}, "notes": notes},
               "boards": boards, "cmdlines": cmdlines}
    write_outputs(results, a.out)
    print(report.render_console(results))
    log("report: %s (chart %s, logs %s); %.1f min" % (
        os.path.join(a.out, "report.md"), os.path.join(a.out, "ratios.svg"),
        os.path.join(a.out, "logs"), elapsed / 60))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        cleanup()
