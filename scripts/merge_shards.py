#!/usr/bin/env python3
"""Merge the sites.jsonl files of `sitescreen screen --shard i/N` runs.

Usage:
    scripts/merge_shards.py SHARD.jsonl|SHARD_DIR ... [-o merged.jsonl] [--expect N]

Each argument is a shard's sites.jsonl, or a shard's output folder holding
one. Every line carries `index`, the site's 0-based position in the FULL
input (not in the shard), so the merge is a sort on `index`; lines are copied
byte for byte, and the result equals the sites.jsonl of a single run over the
whole input (see docs/scale.md).

Checks: every line has an integer `index`, no index appears twice (the same
shard given twice, or shards of different inputs), and with --expect N the
indices are exactly 0..N-1 (no shard missing). Exit status 1 on any problem.

Memory: the lines of all shards are held at once (about 2-4 KB per site, so
1-2 GB for a million sites with a few layers). For more, merge with
`sort -m` on a zero-padded index key instead, or keep shard outputs apart
(order within each is already input order).

Needs only the Python 3 standard library.
"""
import argparse
import json
import os
import sys


def shard_files(paths):
    for p in paths:
        if os.path.isdir(p):
            p = os.path.join(p, "sites.jsonl")
        if not os.path.isfile(p):
            raise SystemExit(f"merge_shards: {p}: no such file")
        yield p


def index_of(line, where):
    # The index key comes right after "id" in every record; parsing the whole
    # line is the safe way to read it, and costs little next to screening.
    try:
        value = json.loads(line)["index"]
    except (ValueError, KeyError, TypeError) as e:
        raise SystemExit(f"merge_shards: {where}: not a sitescreen sites.jsonl line ({e})")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise SystemExit(f"merge_shards: {where}: 'index' is not a non-negative integer")
    return value


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("shards", nargs="+", help="shard sites.jsonl files or output folders")
    ap.add_argument("-o", "--output", default="-", help="merged JSON Lines (default: standard output)")
    ap.add_argument("--expect", type=int, help="number of sites in the full input: require indices 0..N-1")
    a = ap.parse_args()

    rows = []
    seen = {}
    for path in shard_files(a.shards):
        with open(path, "rb") as f:
            for n, raw in enumerate(f, 1):
                if not raw.strip():
                    continue
                if not raw.endswith(b"\n"):
                    raw += b"\n"
                i = index_of(raw, f"{path}:{n}")
                if i in seen:
                    raise SystemExit(f"merge_shards: index {i} appears twice ({seen[i]} and {path}:{n}): "
                                     "a shard given twice, or shards of different inputs?")
                seen[i] = f"{path}:{n}"
                rows.append((i, raw))
    rows.sort(key=lambda r: r[0])
    if a.expect is not None:
        if len(rows) != a.expect or (rows and rows[-1][0] != a.expect - 1):
            missing = sorted(set(range(a.expect)) - seen.keys())[:10]
            raise SystemExit(f"merge_shards: expected {a.expect} sites, found {len(rows)}"
                             + (f"; missing indices start {missing}" if missing else "") +
                             ": a shard is missing or failed?")

    out = sys.stdout.buffer if a.output == "-" else open(a.output + ".part", "wb")
    for _, raw in rows:
        out.write(raw)
    if a.output != "-":
        out.close()
        os.replace(a.output + ".part", a.output)   # never a half-written merge under the final name
    else:
        out.flush()
    print(f"merge_shards: {len(rows)} sites from {len(a.shards)} shard(s)", file=sys.stderr)


if __name__ == "__main__":
    main()
