#!/usr/bin/env bash
# exactextract.sh -- sitescreen's raster statistics side by side with exactextract (issue #25:
# at least 10x exactextract at 1 km, 20x at 10 km), in one sitting, on one pinned core, whole
# process, and how far their figures are apart. Prints figures; it is not a timed test.
#
# Usage: EXACTEXTRACT=/path/to/exactextract bench/exactextract.sh [WORKLOAD_DIR]   (default ./workload)
#
# exactextract (https://github.com/isciences/exactextract, Apache-2.0) is not packaged in Debian
# 12 and sitescreen does not depend on it: build its command-line tool from a checkout
# (cmake -DBUILD_TEST=OFF -DBUILD_PYTHON=OFF -DBUILD_DOC=OFF; it wants CLI11.hpp in
# <build>/CLI11/, which may be a one-line file including Debian's <CLI/CLI.hpp>) and point
# EXACTEXTRACT at it. Without it the script says so and exits 0.
#
# For each radius it runs, on the workload's first N sites (the buffers in sites.gpkg, 64-gon
# geodesic buffers, for exactextract; the points and --buffers for sitescreen):
#   exactextract -p sites.gpkg[buf_<N>_<R>km] -r ws:ws.tif -r lc:lc.tif -f id --threads 1
#                -s mean(ws) -s min(ws) -s max(ws) -s majority(lc) -s frac(lc)
#   sitescreen screen --sites sites_<N>.csv --layers catalog_raster.yaml --buffers <R m>
#                --threads 1 --formats data --no-avoidance
# both under `taskset -c CORE`, REPEAT times interleaved (median CPU seconds, user + system,
# start-up included), and prints the ratio. Then the two tools' mean water stress per site: the
# largest difference, in index points and relative to sitescreen's figure (the 64-gon's area
# is 0.16 % under the circle's, and exactextract weights cells by their share of the polygon in
# degrees, sitescreen by their ellipsoidal area).
#
# Environment: EXACTEXTRACT (binary), SITESCREEN [build-bench/sitescreen, else build/sitescreen],
# N [1000], RADII ["1 10 50"], REPEAT [3], CORE [0].
# Needs Debian's python3 (the comparison of figures).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
WL=$(cd "${1:-$REPO/workload}" && pwd)
N=${N:-1000}
RADII=${RADII:-"1 10 50"}
REPEAT=${REPEAT:-3}
CORE=${CORE:-0}
SS=${SITESCREEN:-}
if [ -z "$SS" ]; then
  if [ -x "$REPO/build-bench/sitescreen" ]; then SS=$REPO/build-bench/sitescreen; else SS=$REPO/build/sitescreen; fi
fi
EE=${EXACTEXTRACT:-$(command -v exactextract || true)}
if [ -z "$EE" ] || [ ! -x "$EE" ]; then
  echo "exactextract.sh: no exactextract (set EXACTEXTRACT to its binary); nothing measured"
  exit 0
fi
for f in "$WL/sites.gpkg" "$WL/sites_$N.csv" "$WL/ws.tif" "$WL/lc.tif" "$WL/catalog_raster.yaml"; do
  [ -f "$f" ] || { echo "exactextract.sh: $f missing (bench/make_workload.py makes it)" >&2; exit 1; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# cpu_of CMD...: runs it pinned, prints user + system CPU seconds.
cpu_of() {
  /usr/bin/time -f "%U %S" -o "$TMP/time" taskset -c "$CORE" "$@" > /dev/null 2> "$TMP/err" ||
    { echo "exactextract.sh: failed: $*" >&2; cat "$TMP/err" >&2; exit 1; }
  awk '{printf "%.3f", $1 + $2}' "$TMP/time"
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "== raster statistics, $N sites, one core (taskset -c $CORE), whole process, median of $REPEAT"
echo "sitescreen: $SS ($("$SS" --version 2>/dev/null | head -1))"
echo "exactextract: $EE ($("$EE" --help 2>&1 | head -1))"
cat "$WL/ws.tif" "$WL/lc.tif" > /dev/null
printf '%-7s %14s %14s %8s %10s\n' "radius" "exactextract s" "sitescreen s" "ratio" "target"
for r in $RADII; do
  ee_cmd=("$EE" -p "$WL/sites.gpkg[buf_${N}_${r}km]" -r "ws:$WL/ws.tif" -r "lc:$WL/lc.tif" -f id --threads 1
          -s "mean(ws)" -s "min(ws)" -s "max(ws)" -s "majority(lc)" -s "frac(lc)" -o "$TMP/ee_$r.csv")
  ss_cmd=("$SS" screen --sites "$WL/sites_$N.csv" --layers "$WL/catalog_raster.yaml" --buffers "$((r * 1000))"
          --threads 1 --formats data --no-avoidance --quiet --overwrite --out "$TMP/ss_$r")
  cpu_of "${ee_cmd[@]}" > /dev/null; cpu_of "${ss_cmd[@]}" > /dev/null  # warm
  ee="" ss=""
  for ((k = 0; k < REPEAT; ++k)); do
    ee+="$(cpu_of "${ee_cmd[@]}") "
    ss+="$(cpu_of "${ss_cmd[@]}") "
  done
  e=$(median <<<"$ee"); s=$(median <<<"$ss")
  target=$(case $r in 1) echo ">= 10x";; 10) echo ">= 20x";; *) echo "none";; esac)
  awk -v r="$r" -v e="$e" -v s="$s" -v t="$target" 'BEGIN{printf "%-7s %14.3f %14.3f %7.1fx %10s\n", r " km", e, s, e / s, t}'
done

echo "== the figures: mean water stress per site, exactextract against sitescreen"
for r in $RADII; do
  /usr/bin/python3 - "$TMP/ee_$r.csv" "$TMP/ss_$r/sites.jsonl" "$r" <<'EOF'
import csv, json, sys
ee = {row["id"]: row for row in csv.DictReader(open(sys.argv[1]))}
worst_abs = worst_rel = 0.0
n = majority_same = 0
for line in open(sys.argv[2]):
    d = json.loads(line)
    row = ee.get(str(d["id"]))
    if row is None or not row.get("ws_mean"):
        continue
    layers = {l["layer"]: l for l in d["layers"]}
    ours = layers["ws"]["buffers"][0].get("mean")
    if ours is None:
        continue
    diff = abs(float(row["ws_mean"]) - ours)
    worst_abs = max(worst_abs, diff)
    worst_rel = max(worst_rel, diff / max(abs(ours), 1e-9))
    majority_same += str(layers["lc"]["buffers"][0].get("majority")) == str(int(float(row["lc_majority"])))
    n += 1
print(f"{sys.argv[3]} km: {n} sites; mean water stress apart by at most {worst_abs:.3f} index points "
      f"({100 * worst_rel:.3f} % of sitescreen's); the same land-cover majority at {majority_same} of {n}")
EOF
done
