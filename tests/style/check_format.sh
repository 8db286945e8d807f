#!/usr/bin/env bash
# The C++ of the repository is formatted by .clang-format (CONTRIBUTING.md, "Style"): this check
# fails, naming each file and its first differing line, when one is not. Fix with
#   git ls-files '*.cpp' '*.h' '*.c' | xargs clang-format -i
# Skipped (exit 77) where clang-format 14 is missing, except in CI (SITESCREEN_CI=1), which
# installs it (scripts/test.sh).
set -euo pipefail
SRC=${1:?usage: check_format.sh SOURCE_DIR}
cd "$SRC"
CF=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$CF" ] || ! "$CF" --version | grep -q 'version 14\.'; then
  if [ "${SITESCREEN_CI:-0}" = 1 ]; then
    echo "check_format: clang-format 14 is not installed (Debian package clang-format)" >&2
    exit 1
  fi
  echo "check_format: clang-format 14 not found; skipped" >&2
  exit 77
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check_format: $SRC is not a git work tree; skipped" >&2
  exit 77
fi
# One clang-format for every file (a process per file took 40 s on 2 busy cores); its
# diagnostics name each file and line that would change.
mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.c')
status=0
out=$("$CF" --dry-run --Werror "${files[@]}" 2>&1) || status=$?
bad=0
while IFS= read -r where; do
  [ -n "$where" ] || continue
  echo "not formatted: $where" >&2
  bad=$((bad + 1))
done < <(printf '%s\n' "$out" | grep -E '^[^ :]+:[0-9]+:[0-9]+: (error|warning):' | awk -F: '!seen[$1]++ {print $1 ":" $2}')
if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
  printf 'check_format: clang-format failed (exit %s) without naming a file:\n%s\n' "$status" "$out" >&2
  exit 1
fi
if [ "$bad" -gt 0 ]; then
  echo "check_format: $bad file(s) differ from .clang-format; run: git ls-files '*.cpp' '*.h' '*.c' | xargs $CF -i" >&2
  exit 1
fi
echo "check_format: every C++ file follows .clang-format"
