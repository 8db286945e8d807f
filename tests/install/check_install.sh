#!/usr/bin/env bash
# Installs the build into a temporary prefix and screens the sample sites with the installed
# binary alone: it must find its layer catalog and profiles under <prefix>/share/sitescreen
# (docs/cli.md), not in the source tree it was built from. Run by ctest (install_tree).
#   check_install.sh <build dir> <source dir>
set -euo pipefail
build=$1 src=$2
prefix=$(mktemp -d "${TMPDIR:-/tmp}/sitescreen-install-XXXXXX")
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/sitescreen share/sitescreen/layers/catalog.yaml share/sitescreen/config/profiles/plant.yaml; do
  [ -e "$prefix/$f" ] || { echo "install_tree: $prefix/$f was not installed" >&2; exit 1; }
done
# The installed binary, run from elsewhere, must take its installed catalog and profiles:
cd "$prefix"
"$prefix/bin/sitescreen" screen --sites "$src/sample_sites/candidates.csv" --out "$prefix/out" --formats data --quiet
used=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["catalog"]["file"]); print(r["profiles"]["folder"])' "$prefix/out/run.json")
while read -r path; do
  case "$path" in
    "$prefix"/share/sitescreen/*) ;;
    *) echo "install_tree: the installed binary used '$path', not the installed copy under $prefix/share/sitescreen" >&2; exit 1 ;;
  esac
done <<< "$used"
rows=$(wc -l < "$prefix/out/sites.jsonl")
sites=$(($(wc -l < "$src/sample_sites/candidates.csv") - 1))
[ "$rows" -eq "$sites" ] || { echo "install_tree: $rows records for $sites sample sites" >&2; exit 1; }
echo "install_tree: $rows sites screened by $prefix/bin/sitescreen with the installed catalog and profiles"
