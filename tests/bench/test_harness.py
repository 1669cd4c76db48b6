"""Unit tests of the bench harness's parsing and report code (bench/), run by
check-harness.sh under `make check`. They assert what the harness does with
emulator output, never how fast anything is."""
import json
import math
import os
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import bench   # noqa: E402
import report  # noqa: E402


def cell(state="ok", samples=(), reason=None):
    return {"state": state, "samples": list(samples), "runs": max(len(samples), 1), "reason": reason}


def fig(better, f, q, fid="x", label="x", unit="s"):
    return {"id": fid, "label": label, "unit": unit, "better": better, "ferry": f, "qemu": q}


class Parsing(unittest.TestCase):
    def test_mark_anywhere_in_line(self):
        self.assertEqual(bench.parse_mark("[  1.2] eth0: FERRY-MARK nic name=eth0 driver=e1000 bus=pci"),
                         ("nic", {"name": "eth0", "driver": "e1000", "bus": "pci"}))
        self.assertIsNone(bench.parse_mark("no marker here"))
        self.assertIsNone(bench.parse_mark("FERRY-MARK Bad event"))
        self.assertEqual(bench.parse_mark("FERRY-MARK ready uptime=3.1 extra")[0], "ready")

    def test_cpu_results(self):
        want = {"sha256": "aa", "gzip": "bb"}
        lines = ["x BENCH-CPU work=sha256 start=10.00 end=12.50 result=aa",
                 "BENCH-CPU work=gzip start=12.60 end=13.10 size=3 result=bb",
                 "Kernel command line: ferry.cmd=BENCH-CPU%20work=gzip"]
        r = bench.cpu_results(lines, want)
        self.assertEqual(r["cpu.sha256"][0], "ok")
        self.assertAlmostEqual(r["cpu.sha256"][1], 2.5)
        self.assertAlmostEqual(r["cpu.gzip"][1], 0.5)
        r = bench.cpu_results(["BENCH-CPU work=sha256 start=1 end=2 result=zz"], want)
        self.assertEqual(r["cpu.sha256"][0], "fail")
        self.assertIn("wrong sha256 result zz", r["cpu.sha256"][1])
        self.assertIn("no BENCH-CPU line for gzip", r["cpu.gzip"][1])

    def test_expected_hashes(self):
        h = bench.expected_hashes()
        self.assertEqual(h["sha256"], "3b6a07d0d404fab4e23b6d34bc6696a6a312dd92821332385e5af7c01c421351")
        self.assertEqual(h["gzip"], "83ee47245398adee79bd9c0a8bc57b821e92aba10f5f9ade8a5d1fae4d8c4302")

    def test_iperf_json(self):
        ok = json.dumps({"end": {"sum_received": {"bits_per_second": 1.5e9}}})
        self.assertEqual(bench.iperf_bps(ok), (1.5e9, None))
        self.assertEqual(bench.iperf_bps(json.dumps({"error": "unable to connect"}))[1],
                         "iperf3: unable to connect")
        self.assertIn("no JSON: boom", bench.iperf_bps("boom")[1])

    def test_nic_check(self):
        nic = [{"name": "eth0", "driver": "virtio_net", "bus": "virtio", "transport": "mmio"}]
        self.assertIsNone(bench.Bench.check_nic(nic, ["virtio_net"], "mmio"))
        self.assertIn("wrong transport", bench.Bench.check_nic(nic, ["virtio_net"], "pci"))
        self.assertIn("wrong driver: the guest bound virtio_net (mmio) where e1000 was expected",
                      bench.Bench.check_nic(nic, ["e1000"], None))
        self.assertIn("no NIC", bench.Bench.check_nic([], ["e1000"], None))


class Runs(unittest.TestCase):
    def test_one_failed_run_fails_the_cell(self):
        f = bench.figure("net.x", "x", "Gbit/s", "higher")
        bench.record(f, "qemu", ("ok", 1.0))
        bench.record(f, "qemu", ("fail", "iperf3: control socket has closed unexpectedly"))
        bench.record(f, "qemu", ("ok", 3.0))
        c = f["qemu"]
        self.assertEqual((c["state"], c["samples"], c["runs"], c["failures"]), ("failed", [1.0, 3.0], 3, 1))
        self.assertEqual(report.cell_text("qemu", c),
                         "failed: iperf3: control socket has closed unexpectedly (1 of 3 runs failed)")
        self.assertEqual(report.runs_text(f), "0/0 · 2/3")
        self.assertIsNone(report.ratio(f))

    def test_console_and_kernel_trouble(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            e = bench.Emu(["sh", "-c", "printf 'a\\r\\nFERRY-MARK init uptime=1\\r\\n"
                           "[   64.61] watchdog: BUG: soft lockup - CPU#0 stuck for 26s!\\n'; exit 3"],
                          os.path.join(d, "log"))
            self.assertIsNotNone(e.wait_mark("init", 10))
            self.assertTrue(e.wait(10))
            self.assertEqual(e.status, 3)
            self.assertGreater(e.maxrss_kb(), 0)
            self.assertEqual(e.kernel_trouble(), "watchdog: BUG: soft lockup - CPU#0 stuck for 26s!")
            self.assertIsNone(e.wait_mark("poweroff", 10))
            self.assertIn("[exit status 3 before poweroff]", e.why("poweroff", 10))
            e = bench.Emu(["/nonexistent/emu"], os.path.join(d, "log2"))
            self.assertIn("/nonexistent/emu", e.why("init marker", 1))


class Report(unittest.TestCase):
    def test_ratio_direction(self):
        # times: ferry 2 s, QEMU 4 s -> ferry twice as good
        self.assertAlmostEqual(report.ratio(fig("lower", cell(samples=[2]), cell(samples=[4]))), 2.0)
        # throughput: ferry 1, QEMU 4 -> a quarter
        self.assertAlmostEqual(report.ratio(fig("higher", cell(samples=[1]), cell(samples=[4]))), 0.25)
        self.assertIsNone(report.ratio(fig("lower", cell("failed", reason="x"), cell(samples=[4]))))
        self.assertTrue(math.isinf(report.ratio(fig("lower", cell(samples=[0]), cell(samples=[1])))))

    def test_median_and_range(self):
        self.assertEqual(report.summarize([3, 1, 2]), (2, 1, 3))
        self.assertEqual(report.cell_text("qemu", cell(samples=[1.0, 3.0, 2.0])), "2.00 (1.00–3.00)")
        self.assertEqual(report.cell_text("ferry", cell("failed", reason="no")), "not yet: no")
        self.assertEqual(report.cell_text("qemu", cell("failed", reason="no")), "failed: no")
        self.assertEqual(report.cell_text("qemu", cell("skipped", reason="root")), "skipped: root")

    def test_table_and_svg(self):
        res = {"meta": {"date": "d", "mode": "full", "machine": {"cpu": "c"}},
               "boards": [{"board": "virt", "title": "virt", "state": "ok", "figures": [
                   fig("lower", cell(samples=[2]), cell(samples=[4]), label="a"),
                   fig("higher", cell(samples=[1]), cell(samples=[4]), label="b"),
                   fig("lower", cell("failed", reason="x | y"), cell(samples=[4]), label="c")]},
                   {"board": "q35", "title": "q35", "state": "notyet", "reason": "no q35",
                    "figures": []}],
               "cmdlines": [{"what": "boot", "argv": "EMU -M virt"}]}
        md = report.render_markdown(res)
        self.assertIn("| a (s; lower is better) | 2.00 | 4.00 | 2.00× |", md)
        self.assertIn("| b (s; higher is better) | 1.00 | 4.00 | 0.25× |", md)
        self.assertIn("not yet: x \\| y | 4.00 | — |", md)
        self.assertIn("**not yet:** no q35", md)
        svg = report.render_svg(res)
        root = ET.fromstring(svg)
        rects = [r.get("fill") for r in root.iter("{http://www.w3.org/2000/svg}rect")]
        self.assertIn("#2e9e4f", rects)   # a: ferry better
        self.assertIn("#d0453a", rects)   # b: ferry worse
        self.assertIn("ferry: not yet", svg)


if __name__ == "__main__":
    unittest.main()
