#!/usr/bin/env python3
"""far_sites.py -- far-away sites cost about what near ones do (issue #21).

Screens 1,000 sites spread uniformly over the globe and 1,000 sites inside
China against the shipped China-only layer pack (the layers of
layers/catalog.yaml whose id starts with "china_"), one thread each, and
prints the CPU time per site of each set (less the start-up: catalog, layer
load and index, measured by a run over zero sites) and their ratio. Target:
the globe's cost per site at most twice China's. Prints figures; it is not a
timed test.

Usage: /usr/bin/python3 bench/far_sites.py [N]     (N sites per set, default 1000)
Environment: SITESCREEN (binary; default build-bench/sitescreen, else
build/sitescreen), SEED (default 21), TYPE (site type, default mine).
Needs Debian's python3-gdal (osgeo) and python3-yaml.
"""
import math
import os
import random
import resource
import subprocess
import sys
import tempfile

import yaml
from osgeo import ogr

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def binary():
    if os.environ.get("SITESCREEN"):
        return os.environ["SITESCREEN"]
    for c in ("build-bench/sitescreen", "build/sitescreen"):
        p = os.path.join(REPO, c)
        if os.access(p, os.X_OK):
            return p
    sys.exit("far_sites: no sitescreen binary; build one or set SITESCREEN")


def china_catalog(path):
    """The China-only pack: layers/catalog.yaml's china_* layers, paths absolute."""
    with open(os.path.join(REPO, "layers", "catalog.yaml"), encoding="utf-8") as f:
        cat = yaml.safe_load(f)
    cat["layers"] = [l for l in cat["layers"] if l["id"].startswith("china_")]
    for l in cat["layers"]:
        l["path"] = os.path.join(REPO, "layers", l["path"])
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(cat, f, allow_unicode=True, sort_keys=False)
    return [l["id"] for l in cat["layers"]]


def globe_sites(n, rng):
    """Uniform on the sphere (area-uniform latitude), any longitude."""
    out = []
    for _ in range(n):
        lon = rng.uniform(-180.0, 180.0)
        lat = math.degrees(math.asin(rng.uniform(-1.0, 1.0)))
        out.append((lon, lat))
    return out


def china_sites(n, rng):
    """Uniform in the China outline (rejection sampling in its extent)."""
    ds = ogr.Open(os.path.join(REPO, "layers", "admin", "china_outline.gpkg"))
    layer = ds.GetLayer(0)
    geoms = [f.GetGeometryRef().Clone() for f in layer]
    union = geoms[0]
    for g in geoms[1:]:
        union = union.Union(g)
    w, e, s, nn = union.GetEnvelope()
    out = []
    while len(out) < n:
        lon, lat = rng.uniform(w, e), rng.uniform(s, nn)
        p = ogr.Geometry(ogr.wkbPoint)
        p.AddPoint_2D(lon, lat)
        if union.Contains(p):
            out.append((lon, lat))
    return out


def write_sites(path, pts):
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,lon,lat\n")
        for i, (lon, lat) in enumerate(pts):
            f.write(f"s{i},{lon:.6f},{lat:.6f}\n")


def cpu_of(cmd):
    """CPU seconds (user + system) of one child run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"far_sites: {' '.join(cmd)} failed:\n{r.stderr}")
    closing = [l for l in r.stderr.splitlines() if l.startswith("sitescreen: screened")]
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), closing[-1] if closing else ""


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rng = random.Random(int(os.environ.get("SEED", "21")))
    exe = binary()
    with tempfile.TemporaryDirectory(prefix="far-sites-") as tmp:
        catalog = os.path.join(tmp, "china_only.yaml")
        ids = china_catalog(catalog)
        sets = {"globe": globe_sites(n, rng), "china": china_sites(n, rng), "none": []}
        for name, pts in sets.items():
            write_sites(os.path.join(tmp, f"{name}.csv"), pts)

        def run(name):
            return cpu_of([exe, "screen", "--sites", os.path.join(tmp, f"{name}.csv"), "--layers", catalog,
                           "--type", os.environ.get("TYPE", "mine"), "--threads", "1", "--formats", "data",
                           "--out", os.path.join(tmp, "out-" + name), "--overwrite"])

        run("none")  # warm the page cache
        start, _ = run("none")
        per = {}
        print(f"far_sites: {n} sites per set, 1 thread, China-only pack ({len(ids)} layers: {', '.join(ids)})")
        print(f"{'set':<8}{'sites':>7}{'CPU s':>10}{'less start-up':>15}{'ms/site':>10}")
        print(f"{'start-up':<8}{0:>7}{start:>10.2f}")
        for name in ("china", "globe"):
            cpu, closing = run(name)
            per[name] = (cpu - start) / n
            print(f"{name:<8}{n:>7}{cpu:>10.2f}{cpu - start:>15.2f}{1000 * per[name]:>10.2f}   {closing}")
        ratio = per["globe"] / per["china"] if per["china"] > 0 else float("inf")
        print(f"ratio globe / china cost per site: {ratio:.2f}  (target <= 2: {'met' if ratio <= 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
