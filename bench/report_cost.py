#!/usr/bin/env python3
"""report_cost.py -- what the reports cost on top of the data (issue #24).

Screens N sites inside China (default 10,000) with the shipped catalog on T
threads (default 2), once with --formats data (sites.jsonl, summary.csv,
run.json) and once with --formats all (adds the per-site maps, HTML and
Markdown reports, the GeoPackage and the portfolio page), and prints the
wall time of each, less the start-up (catalog, layer load and index: a run
over zero sites), and their ratio. Target: all at most twice data. With
PDF=1 it also runs --formats all,pdf. Prints figures; it is not a timed test.

Usage: /usr/bin/python3 bench/report_cost.py [N] [T]
Environment: SITESCREEN (binary; default build-bench/sitescreen, else
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
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

from far_sites import REPO, binary, china_sites, write_sites


def wall_of(cmd):
    """Wall and CPU seconds of one run, and its closing line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"report_cost: {' '.join(cmd)} failed:\n{r.stderr}")
    closing = [l for l in r.stderr.splitlines() if l.startswith("sitescreen: screened")]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, closing[-1] if closing else ""


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    threads = sys.argv[2] if len(sys.argv) > 2 else "2"
    rng = random.Random(int(os.environ.get("SEED", "24")))
    exe = binary()
    catalog = os.path.join(REPO, "layers", "catalog.yaml")
    with tempfile.TemporaryDirectory(prefix="report-cost-") as tmp:
        write_sites(os.path.join(tmp, "sites.csv"), china_sites(n, rng))
        write_sites(os.path.join(tmp, "none.csv"), [])

        def run(sites, formats):
            return wall_of([exe, "screen", "--sites", os.path.join(tmp, sites), "--layers", catalog,
                            "--type", os.environ.get("TYPE", "plant"), "--threads", threads,
                            "--formats", formats, "--out", os.path.join(tmp, "out"), "--overwrite"]
                           + os.environ.get("EXTRA", "").split())

        run("none.csv", "data")  # warm the page cache
        start, start_cpu, _ = run("none.csv", "data")
        sets = ["data", "all"] + (["all,pdf"] if os.environ.get("PDF") else [])
        print(f"report_cost: {n} sites in China, {threads} threads, layers/catalog.yaml {os.environ.get('EXTRA', '')}")
        print(f"{'formats':<10}{'wall s':>9}{'less start-up':>15}{'ms/site':>10}{'CPU s':>9}")
        print(f"{'start-up':<10}{start:>9.2f}{'':>25}{start_cpu:>9.2f}")
        net, net_cpu = {}, {}
        for formats in sets:
            load_before = os.getloadavg()[0]
            wall, cpu, closing = run("sites.csv", formats)
            net[formats], net_cpu[formats] = wall - start, cpu - start_cpu
            print(f"{formats:<10}{wall:>9.2f}{net[formats]:>15.2f}{1000 * net[formats] / n:>10.2f}{cpu:>9.2f}   "
                  f"load {load_before:.1f} -> {os.getloadavg()[0]:.1f}   {closing}")
        for formats in sets[1:]:
            ratio = net[formats] / net["data"] if net["data"] > 0 else float("inf")
            cpu_ratio = net_cpu[formats] / net_cpu["data"] if net_cpu["data"] > 0 else float("inf")
            verdict = f"  (target <= 2: {'met' if ratio <= 2 else 'NOT met'})" if formats == "all" else ""
            print(f"ratio {formats} / data: wall {ratio:.2f}{verdict}; CPU {cpu_ratio:.2f}")


if __name__ == "__main__":
    main()
