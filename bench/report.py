"""The bench's numbers into words and pictures: statistics, the Markdown
report and the SVG bar chart of the ratios.

Everything here is a pure function of the results dictionary that
bench.py builds (and saves as build/bench/results.json), so the report can
be regenerated from a saved run and tested on canned results:

    results = {
      "meta":   {"date": ..., "mode": "full"|"quick", "machine": {...}, "versions": {...},
                 "settings": {...}, "notes": [...]},
      "boards": [ {"board": "virt", "title": "virt (aarch64)",
                   "state": "ok" | "notyet", "reason": str,
                   "figures": [FIGURE, ...]} ],
      "cmdlines": [ {"what": str, "argv": str}, ... ],
    }
    FIGURE = {"id": "boot.init", "label": "boot: start to init marker", "unit": "s",
              "better": "lower" | "higher",
              "ferry": CELL, "qemu": CELL}
    CELL   = {"state": "ok" | "failed" | "skipped", "samples": [float, ...],
              "runs": int (attempted), "failures": int, "reason": str | None}

A cell counts only when its state is "ok" (every attempted run succeeded;
"samples" holds the values of the runs that did, also in a failed cell);
a ferry cell that is not "ok" reads "not yet: <reason>", a QEMU one
"failed: <reason>", a skipped one "skipped: <reason>", and then there is no
ratio. The ratio always reads the same way: above 1 ferry is better
(QEMU/ferry for lower-is-better figures, ferry/QEMU for higher-is-better).
"""

import math
import re
import statistics

EMUS = (("ferry", "ferry"), ("qemu", "QEMU 7.2"))


def summarize(samples):
    """(median, min, max) of a non-empty list of numbers."""
    if not samples:
        raise ValueError("no samples")
    return statistics.median(samples), min(samples), max(samples)


def ratio(fig):
    """ferry's advantage for one figure (>1: ferry better), or None when
    either side has no number (or a zero where it would divide)."""
    f, q = fig["ferry"], fig["qemu"]
    if f["state"] != "ok" or q["state"] != "ok":
        return None
    fm, qm = summarize(f["samples"])[0], summarize(q["samples"])[0]
    if fig["better"] == "lower":
        num, den = qm, fm
    else:
        num, den = fm, qm
    if den == 0:
        return math.inf if num > 0 else None
    return num / den


def fmt_num(v):
    """A value with about three significant digits, no exponent."""
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    if a >= 0.01:
        return "%.3f" % v
    return "%.4f" % v


def fmt_ratio(r):
    if r is None:
        return "—"
    if math.isinf(r):
        return "∞ (ferry 0)"
    return "%.2f×" % r


def md_escape(text):
    """Make text safe in a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def cell_text(emu, cell):
    st = cell["state"]
    if st == "ok":
        med, lo, hi = summarize(cell["samples"])
        if len(cell["samples"]) == 1:
            return fmt_num(med)
        return "%s (%s–%s)" % (fmt_num(med), fmt_num(lo), fmt_num(hi))
    reason = cell.get("reason") or "no reason given"
    if cell.get("failures") and cell.get("runs", 0) > 1:
        reason += " (%d of %d runs failed)" % (cell["failures"], cell["runs"])
    if st == "skipped":
        return "skipped: " + reason
    if emu == "ferry":
        return "not yet: " + reason
    return "failed: " + reason


def runs_text(fig):
    parts = []
    for emu, _ in EMUS:
        c = fig[emu]
        parts.append("%d/%d" % (len(c["samples"]), c.get("runs", 0)))
    return " · ".join(parts)


def figure_label(fig):
    arrow = "lower is better" if fig["better"] == "lower" else "higher is better"
    return "%s (%s; %s)" % (fig["label"], fig["unit"], arrow)


def table_rows(board):
    rows = []
    for fig in board["figures"]:
        rows.append([
            md_escape(figure_label(fig)),
            md_escape(cell_text("ferry", fig["ferry"])),
            md_escape(cell_text("qemu", fig["qemu"])),
            fmt_ratio(ratio(fig)),
            runs_text(fig),
        ])
    return rows


TABLE_HEAD = ["figure", "ferry", "QEMU 7.2", "ratio (>1: ferry better)", "ok runs ferry · QEMU"]


def render_table(board):
    """The Markdown table of one board (or its 'not yet' line)."""
    out = []
    if board["state"] != "ok":
        out.append("**not yet:** %s" % md_escape(board.get("reason") or ""))
        if not board["figures"]:
            return "\n".join(out) + "\n"
        out.append("")
    out.append("| " + " | ".join(TABLE_HEAD) + " |")
    out.append("|" + "|".join(["---", "---", "---", "---:", "---:"]) + "|")
    for r in table_rows(board):
        out.append("| " + " | ".join(r) + " |")
    return "\n".join(out) + "\n"


def render_drivers(board):
    """Which driver the guest bound for each NIC model x backend pair (the
    nic marker), so a silent fallback to another model shows."""
    drv = board.get("drivers") or []
    if not drv:
        return ""
    out = ["Driver the guest bound (from the `nic` marker; a different one fails the figure):", "",
           "| NIC model / backend | expected | ferry's guest | QEMU's guest |",
           "|---|---|---|---|"]
    for d in drv:
        out.append("| %s | %s | %s | %s |" % tuple(md_escape(x) for x in (
            d["pair"], d["expected"], d.get("ferry") or "(did not get that far)",
            d.get("qemu") or "(did not get that far)")))
    return "\n".join(out) + "\n"


def render_markdown(results, svg_name="ratios.svg"):
    m = results["meta"]
    mach = m.get("machine", {})
    ver = m.get("versions", {})
    st = m.get("settings", {})
    lines = []
    lines.append("# make bench: ferry against QEMU 7.2 (TCG)")
    lines.append("")
    lines.append("- date: %s" % m.get("date", "?"))
    lines.append("- mode: %s" % st.get("summary", m.get("mode", "?")))
    lines.append("- machine: %s, %s logical CPUs, %s, %s" % (
        mach.get("cpu", "?"), mach.get("cores", "?"), mach.get("kernel", "?"), mach.get("os", "?")))
    if mach.get("load"):
        lines.append("- host load average (1, 5, 15 min): %s" % mach["load"])
    lines.append("- ferry: %s" % ver.get("ferry", "?"))
    lines.append("- QEMU: %s" % ver.get("qemu", "?"))
    for k in sorted(ver):
        if k.startswith("guest-"):
            lines.append("- guest kit %s: %s" % (k[len("guest-"):], ver[k]))
    lines.append("- host iperf3: %s; python: %s" % (ver.get("iperf3", "?"), ver.get("python", "?")))
    lines.append("")
    lines.append("Each cell is the median over the runs, with the range (min–max) "
                 "in brackets when there was more than one run. A cell counts only "
                 "when every attempted run succeeded. The ratio reads the same way "
                 "for every figure: above 1 ferry is better (QEMU ÷ ferry for times, "
                 "CPU time and memory; ferry ÷ QEMU for throughput). "
                 "\"not yet\" is what ferry printed when it could not do the figure; "
                 "no number is ever filled in for it.")
    lines.append("")
    for b in results["boards"]:
        lines.append("## %s" % b.get("title", b["board"]))
        lines.append("")
        lines.append(render_table(b))
        d = render_drivers(b)
        if d:
            lines.append(d)
    notes = m.get("notes") or []
    if notes:
        lines.append("## Notes")
        lines.append("")
        for n in notes:
            lines.append("- " + n)
        lines.append("")
    lines.append("## Command lines")
    lines.append("")
    lines.append("Both emulators get exactly the same arguments; only the binary differs.")
    lines.append("")
    for c in results.get("cmdlines", []):
        lines.append("%s:" % c["what"])
        lines.append("")
        lines.append("```")
        lines.append(c["argv"])
        lines.append("```")
        lines.append("")
    if svg_name:
        lines.append("Chart of the ratios: [%s](%s)." % (svg_name, svg_name))
        lines.append("")
    return "\n".join(lines)


def render_console(results):
    """The tables alone, as printed at the end of a run."""
    out = []
    for b in results["boards"]:
        out.append("== %s ==" % b.get("title", b["board"]))
        out.append(render_table(b))
    return "\n".join(out)


# ---- the chart --------------------------------------------------------------------------

def _x(v, lo, hi, x0, width):
    """Position of a ratio on the log2 axis [lo, hi]."""
    v = min(max(v, lo), hi)
    return x0 + (math.log2(v) - math.log2(lo)) / (math.log2(hi) - math.log2(lo)) * width


def _esc(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def render_svg(results):
    """A horizontal bar chart of the ratios on a log2 axis centred on 1:
    green bars to the right where ferry is better, red to the left where it is
    worse, and a grey 'not yet' where there is no ratio."""
    rows = []
    for b in results["boards"]:
        rows.append(("board", b.get("title", b["board"]), None, b))
        for fig in b["figures"]:
            # the chart's labels without the expected driver in brackets
            label = re.sub(r" \[[^]]*\]", "", fig["label"])
            rows.append(("fig", label, ratio(fig), fig))
        if not b["figures"]:
            st = "failed" if b.get("state") != "ok" else "skipped"
            rows.append(("fig", "all figures", None, {"ferry": {"state": st}, "qemu": {"state": "skipped"}}))
    finite = [r[2] for r in rows if r[2] is not None and not math.isinf(r[2]) and r[2] > 0]
    span = 2.0
    for v in finite:
        while (v > span or v < 1 / span) and span < 1024:
            span *= 2
    lo, hi = 1 / span, span

    # about 6.7 px per character of 12 px sans-serif
    label_w = max([200] + [int(len(r[1]) * 6.7) + 20 for r in rows if r[0] == "fig"])
    plot_w, value_w = 460, 110
    x0 = label_w + 10
    row_h, top = 22, 64
    width = x0 + plot_w + value_w
    height = top + row_h * len(rows) + 40
    o = []
    o.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">' % (width, height, width, height))
    o.append('<rect width="100%" height="100%" fill="white"/>')
    m = results["meta"]
    o.append('<text x="10" y="20" font-size="15" font-weight="bold">%s</text>' %
             _esc("ferry vs QEMU 7.2 TCG: ratio, >1 = ferry better"))
    o.append('<text x="10" y="38" fill="#555">%s</text>' % _esc(
        "%s · %s · %s" % (m.get("date", "?"), m.get("machine", {}).get("cpu", "?"), m.get("mode", "?"))))
    # axis: ticks at powers of two
    y_axis_top, y_axis_bot = top - 6, top + row_h * len(rows)
    e = -int(round(math.log2(span)))
    while 2.0 ** e <= hi * 1.0001:
        v = 2.0 ** e
        x = _x(v, lo, hi, x0, plot_w)
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="%s"/>' % (
            x, y_axis_top, x, y_axis_bot, "#333" if e == 0 else "#ddd", "1.5" if e == 0 else "1"))
        lab = ("%g" % v) if v >= 1 else "1/%g" % (1 / v)
        o.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s×</text>' % (
            x, y_axis_bot + 16, _esc(lab)))
        e += 1
    x1 = _x(1.0, lo, hi, x0, plot_w)
    y = top
    for kind, label, r, obj in rows:
        if kind == "board":
            o.append('<text x="10" y="%d" font-weight="bold">%s</text>' % (y + 15, _esc(label)))
            y += row_h
            continue
        o.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (label_w, y + 15, _esc(label)))
        if r is None:
            f, q = obj["ferry"], obj["qemu"]
            if f.get("state") != "ok":
                why = "ferry: not yet" if f.get("state") != "skipped" else "skipped"
            elif q.get("state") != "ok":
                why = "QEMU: failed" if q.get("state") != "skipped" else "skipped"
            else:
                why = "no ratio"
            o.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="#eee"/>' % (
                x0, y + 3, plot_w, row_h - 6))
            o.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#888">%s</text>' % (
                x0 + plot_w / 2, y + 15, _esc(why)))
        else:
            xv = _x(r if not math.isinf(r) else hi, lo, hi, x0, plot_w)
            left, w = (x1, xv - x1) if xv >= x1 else (xv, x1 - xv)
            color = "#2e9e4f" if r >= 1 else "#d0453a"
            o.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>' % (
                left, y + 3, max(w, 1.0), row_h - 6, color))
            o.append('<text x="%d" y="%d">%s</text>' % (x0 + plot_w + 8, y + 15, _esc(fmt_ratio(r))))
        y += row_h
    o.append("</svg>")
    return "\n".join(o) + "\n"
