#!/usr/bin/env python3
"""report_cost.py -- what the reports cost on top of the data (issue #24).

Screens N sites inside China (default 10,000) with the shipped catalog on T
threads (default 2), once with --formats data (sites.jsonl, summary.csv,
run.json) and once with --formats all (adds the per-site maps, HTML and
Markdown reports, the GeoPackage and the portfolio page), and prints the
wall time of each, less the start-up (catalog, layer load and index: a run
over zero sites), and their ratio. Target: all at most twice data. With
PDF=1 it also runs --formats all,pdf. Prints figures; it is not a timed test.

This machine's load moves the figures by a tenth from one run to the next, so
REPEAT=n (default 1) runs the formats n times, interleaved, and the ratio is
that of the medians. Each run writes into a new folder, all removed at the
end (about 2.8 GB for each "all" run of 10,000 sites), and the timed runs
start after a `sync` and SETTLE seconds (default 361). On ext4 without a
journal (this machine's root filesystem), allocating an inode skips, one by
one, every free inode deleted in the last 60 s, or in the last 360 s when
its inode table block is dirty (fs/ext4/ialloc.c, recently_deleted), and
creating files dirties the blocks of the inodes next to them. So a run
that creates 30,000 report files within six minutes of as many being
deleted (an earlier run's, or its own with --overwrite) spends seconds of
system time in that scan: measured, 6-9 s of system CPU in an "all" run
started a minute after the last benchmark's clean-up, 2.5 s in the scan
alone (docs/performance.md, "An eighth sitting"). The system CPU time of
each run is printed beside the total. Do not delete files (tests, builds)
while it runs. On this machine (a Firecracker VM whose balloon reports freed
pages to the host), a file's new pages in the page cache also cost the host's
fault on first write, about 2.5 s of system CPU a GB (3 GB into a new file:
7.4 s, against 0.6 s into pages just freed), so an "all" run, which writes
2.8 GB, shows 3-9 s of system CPU even after the wait.

Usage: /usr/bin/python3 bench/report_cost.py [N] [T]
Environment: REPEAT, SETTLE (above), SITESCREEN (binary; default build-bench/sitescreen, else
build/sitescreen), SEED (default 24), TYPE (site type, default plant), PDF,
EXTRA (more sitescreen flags, e.g. "--no-avoidance": cheaper screening, so
the reports weigh more in the ratio). Also prints the CPU seconds of each
run, and the load average (1 minute) before and after it: on a shared
machine wall time follows the load, CPU time less so. The portfolio's admin
outline is cached between runs beside the checksum cache (docs/layers.md,
"Checksums"): the first "all" run over a new set of sites pays it, later ones
do not; SITESCREEN_CHECKSUM_CACHE=off measures it every time.
Needs Debian's python3-gdal (osgeo) and python3-yaml.
"""
import itertools
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from far_sites import REPO, binary, china_sites, write_sites


def wall_of(cmd):
    """Wall, CPU and system CPU seconds of one run, and its closing line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"report_cost: {' '.join(cmd)} failed:\n{r.stderr}")
    closing = [l for l in r.stderr.splitlines() if l.startswith("sitescreen: screened")]
    system = after.ru_stime - before.ru_stime
    cpu = (after.ru_utime - before.ru_utime) + system
    return wall, cpu, system, closing[-1] if closing else ""


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    threads = sys.argv[2] if len(sys.argv) > 2 else "2"
    rng = random.Random(int(os.environ.get("SEED", "24")))
    exe = binary()
    catalog = os.path.join(REPO, "layers", "catalog.yaml")
    with tempfile.TemporaryDirectory(prefix="report-cost-") as tmp:
        write_sites(os.path.join(tmp, "sites.csv"), china_sites(n, rng))
        write_sites(os.path.join(tmp, "none.csv"), [])

        runs = itertools.count()

        def run(sites, formats):
            # A new folder each run: replacing or removing an earlier run's 30,000 files would
            # free as many inodes just before this run allocates its own (see SETTLE above).
            out = os.path.join(tmp, f"out{next(runs)}")
            return wall_of([exe, "screen", "--sites", os.path.join(tmp, sites), "--layers", catalog,
                            "--type", os.environ.get("TYPE", "plant"), "--threads", threads,
                            "--formats", formats, "--out", out]
                           + os.environ.get("EXTRA", "").split())

        run("none.csv", "data")  # warm the page cache
        start, start_cpu, _, _ = run("none.csv", "data")
        sets = ["data", "all"] + (["all,pdf"] if os.environ.get("PDF") else [])
        repeat = int(os.environ.get("REPEAT", "1"))
        settle = float(os.environ.get("SETTLE", "361"))
        print(f"report_cost: {n} sites in China, {threads} threads, layers/catalog.yaml {os.environ.get('EXTRA', '')}")
        if settle > 0:
            print(f"(sync, then {settle:g} s: files deleted just before slow the creation of new ones on some "
                  "filesystems)")
            os.sync()
            time.sleep(settle)
        print(f"{'formats':<10}{'wall s':>9}{'less start-up':>15}{'ms/site':>10}{'CPU s':>9}{'system':>8}")
        print(f"{'start-up':<10}{start:>9.2f}{'':>25}{start_cpu:>9.2f}")
        net = {f: [] for f in sets}
        net_cpu = {f: [] for f in sets}
        for _ in range(repeat):
            for formats in sets:
                load_before = os.getloadavg()[0]
                wall, cpu, system, closing = run("sites.csv", formats)
                net[formats].append(wall - start)
                net_cpu[formats].append(cpu - start_cpu)
                print(f"{formats:<10}{wall:>9.2f}{wall - start:>15.2f}{1000 * (wall - start) / n:>10.2f}{cpu:>9.2f}"
                      f"{system:>8.2f}   "
                      f"load {load_before:.1f} -> {os.getloadavg()[0]:.1f}   {closing}")
        if repeat > 1:
            print(f"medians of {repeat} runs each:")
            for formats in sets:
                print(f"{formats:<10}{'':>9}{statistics.median(net[formats]):>15.2f}{'':>10}"
                      f"{statistics.median(net_cpu[formats]) + start_cpu:>9.2f}")
        data, data_cpu = statistics.median(net["data"]), statistics.median(net_cpu["data"])
        for formats in sets[1:]:
            wall, cpu = statistics.median(net[formats]), statistics.median(net_cpu[formats])
            ratio = wall / data if data > 0 else float("inf")
            cpu_ratio = cpu / data_cpu if data_cpu > 0 else float("inf")
            verdict = f"  (target <= 2: {'met' if ratio <= 2 else 'NOT met'})" if formats == "all" else ""
            print(f"ratio {formats} / data: wall {ratio:.2f}{verdict}; CPU {cpu_ratio:.2f}")

if __name__ == "__main__":
    main()
