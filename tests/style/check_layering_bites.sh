#!/usr/bin/env bash
# The layering check of the build (cmake/CheckLayering.cmake) passes on src/ as it is and fails,
# naming the file and the include, when an include going up the layer order is planted in an
# existing file of a copy of src/ (docs/architecture.md, "Modules").
#
#   check_layering_bites.sh SOURCE_DIR "core,i18n,..."
set -euo pipefail
src=$1 modules=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { cmake -DSRC_DIR="$1" -DMODULES="$modules" -DSTAMP="$tmp/stamp" -P "$src/cmake/CheckLayering.cmake" 2>&1; }

check "$src/src" > "$tmp/clean.log" || { cat "$tmp/clean.log"; echo "FAIL: the check fails on src/ as it is"; exit 1; }
cp -r "$src/src" "$tmp/src"
victim=$tmp/src/geo/local_frame.cpp
[ -f "$victim" ] || { echo "FAIL: $victim is gone: plant the include in another file of geo/"; exit 1; }
sed -i '1i #include "report/writer.h"' "$victim"
if check "$tmp/src" > "$tmp/planted.log"; then
  cat "$tmp/planted.log"
  echo "FAIL: an include of report/ in geo/ passed the layering check"
  exit 1
fi
grep -q 'src/geo/local_frame.cpp: #include "report/writer.h": geo/ may not include report/' "$tmp/planted.log" || {
  cat "$tmp/planted.log"
  echo "FAIL: the check failed without naming the file and the include"
  exit 1
}
echo "layering check: passes on src/, fails on a planted include of report/ in geo/local_frame.cpp"
