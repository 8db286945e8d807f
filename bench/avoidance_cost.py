#!/usr/bin/env python3
"""avoidance_cost.py -- what the avoidance search adds to a screening (issue #25 item 2).

Screens N sites uniform inside China (default 1,000) with the shipped catalog on T threads
(default 2), `--formats data`, once with the defaults (assessment and avoidance search on) and
once with `--no-avoidance`, and prints for each the wall and CPU seconds less the start-up (a
run over zero sites), then what the search added as a multiple of the screening without it
(target: at most 1), and the search's own counts from sites.jsonl (sites searched, positions
evaluated, alternatives found, certified). Prints figures; it is not a timed test.

Usage: /usr/bin/python3 bench/avoidance_cost.py [N] [T]
Environment: SITESCREEN (binary; default build-bench/sitescreen, else build/sitescreen),
SEED (default 25), TYPE (site type, default plant; mine and charger search wider or finer).
Needs Debian's python3-gdal (osgeo).
"""
import json
import os
import random
import sys
import tempfile

from far_sites import REPO, binary, china_sites, write_sites
from report_cost import wall_of


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    threads = sys.argv[2] if len(sys.argv) > 2 else "2"
    rng = random.Random(int(os.environ.get("SEED", "25")))
    exe = binary()
    site_type = os.environ.get("TYPE", "plant")
    with tempfile.TemporaryDirectory() as tmp:
        sites = os.path.join(tmp, "sites.csv")
        write_sites(sites, china_sites(n, rng))
        empty = os.path.join(tmp, "empty.csv")
        write_sites(empty, [])
        base = [exe, "screen", "--type", site_type, "--threads", threads, "--formats", "data", "--quiet", "--overwrite"]
        start_wall, start_cpu, _ = wall_of(base + ["--sites", empty, "--out", os.path.join(tmp, "o0")])
        runs = {}
        for name, extra in (("with search", []), ("--no-avoidance", ["--no-avoidance"])):
            out = os.path.join(tmp, name.replace(" ", "_"))
            wall, cpu, closing = wall_of(base + ["--sites", sites, "--out", out] + extra)
            runs[name] = (wall - start_wall, cpu - start_cpu, out, closing)
        print(f"{n} sites inside China, type {site_type}, {threads} threads, --formats data ({exe})")
        print(f"start-up: {start_wall:.2f} s wall, {start_cpu:.2f} s CPU (subtracted below)")
        print("| run | wall s | CPU s | CPU ms / site |")
        print("|---|---|---|---|")
        for name, (wall, cpu, _, _) in runs.items():
            print(f"| {name} | {wall:.2f} | {cpu:.2f} | {1000 * cpu / n:.2f} |")
        w1, c1, out, _ = runs["with search"]
        w0, c0, _, _ = runs["--no-avoidance"]
        print(f"search added: {w1 - w0:.2f} s wall ({(w1 - w0) / w0:.2f}x the screening), "
              f"{c1 - c0:.2f} s CPU ({(c1 - c0) / c0:.2f}x); target at most 1x")
        searched = found = certified = evaluated = 0
        with open(os.path.join(out, "sites.jsonl")) as f:
            for line in f:
                a = json.loads(line).get("alternative")
                if not a:
                    continue
                searched += 1
                found += bool(a.get("found"))
                certified += bool(a.get("certified"))
                evaluated += a.get("candidates_evaluated", 0)
        print(f"searched {searched} of {n} sites: {evaluated} positions evaluated "
              f"({evaluated / max(searched, 1):.1f} per search), {found} with alternatives, {certified} certified")


if __name__ == "__main__":
    main()
