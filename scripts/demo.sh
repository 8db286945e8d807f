#!/usr/bin/env bash
# The main job on the shipped layers and sample sites: install, build, screen, say where the results are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
NINJA_TARGETS=sitescreen bash scripts/build.sh -DSITESCREEN_TESTS=OFF
OUT=${OUT:-out}
./build/sitescreen layers check
./build/sitescreen screen --sites sample_sites/candidates.csv --out "$OUT/candidates" --overwrite
./build/sitescreen screen --sites sample_sites/candidates_polygons.geojson --out "$OUT/candidate_footprints" --overwrite
./build/sitescreen screen --sites sample_sites/china_power_plants_sample.csv --type plant --out "$OUT/power_plants" --overwrite
./build/sitescreen screen --sites sample_sites/shenzhen_ev_chargers_gcj02.csv --coords gcj02 --type charger \
    --id-field station_id --out "$OUT/shenzhen_chargers" --overwrite --formats jsonl,csv,run,gpkg,portfolio
echo
echo "Results:"
for d in "$OUT"/*/; do
  echo "  $d  (open ${d}report.html in a browser, ${d}summary.csv in a spreadsheet, ${d}sites.gpkg in QGIS)"
done
