#!/usr/bin/env python3
"""Turn benchmark reports into SVG charts in docs/bench/.

Usage:
    python3 scripts/plot-bench.py [DATA_FILE_OR_DIR ...] [--out DIR]

Reads one-JSON-object-per-line files (default: docs/bench/data/*.jsonl; the format is
described in docs/bench/README.md) and writes:

    join-latency.svg     join p50 and p99 against session size (scenario join-storm)
    cpu-per-packet.svg   server CPU microseconds per forwarded packet against subscribers
                         (scenario forward), one curve per server and publisher count
    egress-rate.svg      packets per second received by all subscribers (scenario forward)

A chart with no data is not written. Needs matplotlib (apt-get install -y python3-matplotlib).
"""

import argparse
import json
import os
import statistics
import sys
from collections import defaultdict
from pathlib import Path

try:
    import matplotlib
except ModuleNotFoundError:
    # Debian's python3-matplotlib lives in the system Python, which another python3 on the
    # PATH (pyenv, a venv) does not see.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    sys.exit("plot-bench: matplotlib missing (apt-get install -y python3-matplotlib)")

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Same ids and no date in every SVG, so that re-plotting unchanged data changes no file.
plt.rcParams["svg.hashsalt"] = "convene-bench"
plt.rcParams["svg.fonttype"] = "none"
SERVER_STYLE = {
    "convene": {"color": "tab:blue", "marker": "o"},
    "janus": {"color": "tab:orange", "marker": "s"},
    "raw": {"color": "tab:gray", "marker": "^"},
}


def tags_from_name(path):
    """`<server>-<scenario>[-anything].jsonl`: the defaults for lines without those fields."""
    parts = path.stem.split("-")
    server = parts[0] if parts else None
    scenario = None
    for known in ("join-storm", "big-session", "many-sessions", "forward"):
        if f"-{known}" in path.stem:
            scenario = known
    return server, scenario


def read_reports(paths):
    """Every report in the given files and directories, tagged with `server` and `scenario`."""
    files = []
    for p in paths:
        p = Path(p)
        files.extend(sorted(p.glob("*.jsonl")) if p.is_dir() else [p])
    reports = []
    for f in files:
        server, scenario = tags_from_name(f)
        for n, line in enumerate(f.read_text().splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"{f}:{n}: not JSON ({e}); skipped", file=sys.stderr)
                continue
            r.setdefault("server", server)
            r.setdefault("scenario", scenario)
            r["_source"] = f"{f.name}:{n}"
            reports.append(r)
    return reports


def first(r, *names):
    """The first of `names` present in report `r`, else None."""
    for name in names:
        if r.get(name) is not None:
            return r[name]
    return None


def style(server):
    return SERVER_STYLE.get(server, {"color": None, "marker": "x"})


def finish(fig, ax, out, name, title):
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path = out / name
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)
    print(f"wrote {path}")


def plot_join_latency(reports, out):
    """Join p50/p99 against session size: the median over runs of the same size."""
    runs = defaultdict(list)
    for r in reports:
        size = first(r, "joined", "users")
        join = r.get("joinMs") or {}
        if r["scenario"] != "join-storm" or not size or "p50" not in join:
            continue
        runs[(r["server"], size)].append(join)
    if not runs:
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for server in sorted({s for s, _ in runs}):
        sizes = sorted(n for s, n in runs if s == server)
        for q, dash in (("p50", "-"), ("p99", "--")):
            ys = [statistics.median(j[q] for j in runs[(server, n)]) for n in sizes]
            ax.plot(sizes, ys, dash, label=f"{server} {q}", **style(server))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.set_xlabel("users in the session")
    ax.set_ylabel("join latency, ms")
    finish(fig, ax, out, "join-latency.svg", "Join latency vs session size (join-storm)")


def forward_series(reports, field):
    """{(server, publishers): {subscribers: [(value, loss %), ...]}} of forward reports."""
    series = defaultdict(lambda: defaultdict(list))
    for r in reports:
        subs = r.get("subscribers")
        value = r.get(field)
        if r["scenario"] != "forward" or not subs or value is None:
            continue
        loss = r.get("lossPercent") or 0.0
        series[(r["server"], r.get("publishers"))][subs].append((value, loss))
    return series


def plot_forward(reports, out, field, name, ylabel, title, log_y):
    """One curve per (server, publishers): the median run at each subscriber count, every
    run as a faint dot, and the loss written next to runs that lost more than 1 %."""
    series = forward_series(reports, field)
    if not series:
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for (server, pubs), points in sorted(series.items(), key=lambda kv: str(kv[0])):
        xs = sorted(points)
        ys = [statistics.median(v for v, _ in points[x]) for x in xs]
        label = f"{server}, {pubs} publishers" if pubs is not None else server
        ax.plot(xs, ys, "-", label=label, **style(server))
        runs = [(x, v, loss) for x in xs for v, loss in points[x]]
        ax.scatter(
            [x for x, _, _ in runs],
            [v for _, v, _ in runs],
            s=10,
            alpha=0.4,
            color=style(server)["color"],
        )
        for x, v, loss in runs:
            if loss > 1:
                ax.annotate(
                    f"{loss:.0f} % lost",
                    (x, v),
                    textcoords="offset points",
                    xytext=(4, 6),
                    fontsize=8,
                    color=style(server)["color"],
                )
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    if log_y:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    else:
        ax.set_ylim(bottom=0)
    ax.set_xlabel("subscribers")
    ax.set_ylabel(ylabel)
    finish(fig, ax, out, name, title)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="*", default=[ROOT / "docs/bench/data"])
    parser.add_argument("--out", type=Path, default=ROOT / "docs/bench")
    args = parser.parse_args()
    reports = read_reports(args.data)
    if not reports:
        sys.exit("no reports found")
    args.out.mkdir(parents=True, exist_ok=True)
    plot_join_latency(reports, args.out)
    plot_forward(
        reports,
        args.out,
        "serverCpuUsPerPacket",
        "cpu-per-packet.svg",
        "server CPU per forwarded packet, µs",
        "Server CPU per forwarded packet (forward)",
        log_y=False,
    )
    plot_forward(
        reports,
        args.out,
        "egressPacketsPerSec",
        "egress-rate.svg",
        "packets/s received by all subscribers",
        "Egress rate (forward)",
        log_y=True,
    )


if __name__ == "__main__":
    main()
