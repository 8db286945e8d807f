#!/usr/bin/env python3
"""Checks real sites.jsonl records against docs/site-record.schema.json (JSON Schema 2020-12).

Usage: check_records.py SITESCREEN_BINARY SOURCE_DIR TEMP_DIR [--self-test]

Screens sample inputs that cover the record's shapes (point and polygon sites, the three site
types, GCJ-02 chargers, error rows, a site outside every layer, an unknown activity, a type without
a profile, --lang zh, --no-avoidance) into TEMP_DIR and validates every line of each sites.jsonl;
a failure names the file, the line, the JSON path and the schema's message. It also checks that
every property name the schema declares appears in docs/output.md or docs/leap.md, so that the
schema and the docs stay together.

With --self-test it checks that the schema bites: a real record with a required key deleted, a
key renamed, a wrong enum value or a wrong type must each fail validation.
"""
import copy
import json
import os
import re
import subprocess
import sys

from jsonschema import Draft202012Validator

# Rows the samples do not have: a latitude out of range, a missing coordinate, a site in the
# Atlantic (outside every layer), an activity not in the table, a type without a profile.
ERROR_CSV = """id,lon,lat,type,footprint_ha,activity
bad_lat,108.5,95.0,plant,,
no_lat,108.5,,plant,,
atlantic,-40.0,-30.0,plant,,
gigafactory,108.5,33.9,mine,300,gigafactory
smelter,116.4,39.9,smelter,,
"""


CHARGERS = 300  # the first rows of the 1,706 Shenzhen chargers: the shapes, in a few seconds


def runs(src, tmp):
    samples = os.path.join(src, "sample_sites")
    errors_csv = os.path.join(tmp, "error_rows.csv")
    with open(errors_csv, "w", encoding="utf-8") as f:
        f.write(ERROR_CSV)
    chargers_csv = os.path.join(tmp, "chargers.csv")
    with open(os.path.join(samples, "shenzhen_ev_chargers_gcj02.csv"), encoding="utf-8") as f:
        head = f.readlines()[:CHARGERS + 1]
    with open(chargers_csv, "w", encoding="utf-8") as f:
        f.writelines(head)
    return [
        ("candidates", [os.path.join(samples, "candidates.csv")]),
        ("candidates_zh", [os.path.join(samples, "candidates.csv"), "--lang", "zh"]),
        ("candidates_no_avoidance", [os.path.join(samples, "candidates.csv"), "--no-avoidance"]),
        ("polygons", [os.path.join(samples, "candidates_polygons.geojson")]),
        ("polygons_mine", [os.path.join(samples, "candidates_polygons.geojson"), "--type", "mine"]),
        ("chargers", [chargers_csv, "--coords", "gcj02", "--type",
                      "charger", "--id-field", "station_id"]),
        ("error_rows", [errors_csv]),
        ("error_rows_zh", [errors_csv, "--lang", "zh"]),
    ]


def screen(binary, src, tmp, only=None):
    outs = []
    for name, args in runs(src, tmp):
        if only and name not in only:
            continue
        out = os.path.join(tmp, name)
        cmd = [binary, "screen", "--sites", args[0], "--out", out, "--overwrite", "--formats", "jsonl", "--quiet",
               "--layers", os.path.join(src, "layers", "catalog.yaml"),
               "--profiles", os.path.join(src, "config", "profiles")] + args[1:]
        r = subprocess.run(cmd, cwd=src, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # A run with error rows may exit non-zero; the records are what is checked.
        if not os.path.exists(os.path.join(out, "sites.jsonl")):
            sys.exit(f"FAIL: {' '.join(cmd)} exited {r.returncode} without sites.jsonl:\n{r.stderr}")
        outs.append(os.path.join(out, "sites.jsonl"))
    return outs


def leaves(error):
    """The innermost errors: an anyOf/if branch's own message says more than 'is not valid'."""
    if error.context:
        for c in error.context:
            yield from leaves(c)
    else:
        yield error


def errors_of(validator, record):
    found = []
    for e in validator.iter_errors(record):
        inner = [c for c in leaves(e) if not (c.validator == "type" and c.validator_value == "null")]
        found.extend(inner or [e])
    return found


def validate_files(validator, files):
    failures, count = [], 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                count += 1
                for e in errors_of(validator, json.loads(line)):
                    failures.append(f"{path}:{n}: {e.json_path}: {e.message[:300]}")
    return failures, count


def declared_names(node, names):
    if isinstance(node, dict):
        for k, v in node.get("properties", {}).items():
            names.add(k)
        for v in node.values():
            declared_names(v, names)
    elif isinstance(node, list):
        for v in node:
            declared_names(v, names)
    return names


def check_names_documented(schema, src):
    text = ""
    for doc in ("output.md", "leap.md"):
        with open(os.path.join(src, "docs", doc), encoding="utf-8") as f:
            text += f.read()
    return [f"schema property '{k}' appears in neither docs/output.md nor docs/leap.md"
            for k in sorted(declared_names(schema, set())) if not re.search(r"\b" + re.escape(k) + r"\b", text)]


def self_test(validator, files):
    """Each mutation of a real record must fail validation."""
    records = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            records += [json.loads(line) for line in f]
    ok = next(r for r in records if r["status"] == "ok" and r["alternative"] and r["alternative"]["found"]
              and any(L["kind"] == "raster" for L in r["layers"]))
    err = next(r for r in records if r["status"] == "error")

    def drop(path):
        def f(r):
            *head, last = path
            for k in head:
                r = r[k]
            del r[last]
        return f

    def rename(path, new):
        def f(r):
            *head, last = path
            for k in head:
                r = r[k]
            r[new] = r.pop(last)
        return f

    def put(path, value):
        def f(r):
            *head, last = path
            for k in head:
                r = r[k]
            r[last] = value
        return f

    raster = next(i for i, L in enumerate(ok["layers"]) if L["kind"] == "raster")
    vector = next(i for i, L in enumerate(ok["layers"]) if L["kind"] == "vector")
    cases = [
        ("required top-level key deleted", ok, drop(["status"])),
        ("verdict.level deleted", ok, drop(["verdict", "level"])),
        ("vector layer's nearest deleted", ok, drop(["layers", vector, "nearest"])),
        ("an L4 criterion deleted", ok, drop(["locate", "l4", "criteria", "rapid_decline"])),
        ("top-level key renamed", ok, rename(["warnings"], "warning")),
        ("layer key renamed", ok, rename(["layers", vector, "inside"], "is_inside")),
        ("buffer key renamed", ok, rename(["layers", vector, "buffers", 0, "overlap_share"], "share")),
        ("alternative key renamed", ok, rename(["alternative", "distance_m"], "distance")),
        ("unknown key added to evaluate.e3", ok, put(["evaluate", "e3", "footprint_m2"], 1.0)),
        ("wrong status", ok, put(["status"], "failed")),
        ("wrong verdict level", ok, put(["verdict", "level"], "nogo")),
        ("wrong layer kind", ok, put(["layers", vector, "kind"], "postgis")),
        ("wrong mitigation step", ok, put(["mitigation"], [{"step": "avoidance", "action": "a", "because": "b",
                                                             "trigger": "relocate"}])),
        ("wrong L4 status", ok, put(["locate", "l4", "criteria", "water_risk", "status"], "unknown")),
        ("wrong exposure", ok, put(["evaluate", "e2", 0, "exposure"], "extreme")),
        ("wrong ENCORE rating", ok, put(["locate", "activity", "dependencies", 0, "encore_rating"], "X")),
        ("wrong TNFD id", ok, put(["evaluate", "metrics", "total_spatial_footprint", "tnfd"], "C9.9")),
        ("lat as text", ok, put(["lat"], "33.9")),
        ("index as a float", ok, put(["index"], 0.5)),
        ("categorical raster buffer with a mean", ok, put(["layers", raster, "buffers", 0, "mean"], 1.0)),
        ("found alternative without a position", ok, put(["alternative", "lon"], None)),
        ("ok row with an error", ok, put(["error"], "x")),
        ("error row with a verdict", err, put(["verdict"], copy.deepcopy(ok["verdict"]))),
        ("error row with layers", err, put(["layers"], copy.deepcopy(ok["layers"]))),
        ("error row without error text", err, put(["error"], None)),
    ]
    failures = []
    if errors_of(validator, ok) or errors_of(validator, err):
        failures.append("the unmutated records do not validate")
    for what, base, mutate in cases:
        rec = copy.deepcopy(base)
        mutate(rec)
        errs = errors_of(validator, rec)
        if not errs:
            failures.append(f"mutation not caught: {what}")
        else:
            print(f"ok: {what}: {errs[0].json_path}: {errs[0].message[:100]}")
    return failures, len(cases)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 3:
        sys.exit(__doc__)
    binary, src, tmp = args
    os.makedirs(tmp, exist_ok=True)
    with open(os.path.join(src, "docs", "site-record.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    if "--self-test" in sys.argv:
        files = screen(binary, src, tmp, only=("candidates", "error_rows"))
        failures, n = self_test(validator, files)
        # The docs check bites too: a property the docs never name is reported.
        undocumented = copy.deepcopy(schema)
        undocumented["$defs"]["verdict"]["properties"]["level_code"] = {"type": "string"}
        if check_names_documented(undocumented, src) != [
                "schema property 'level_code' appears in neither docs/output.md nor docs/leap.md"]:
            failures.append("an undocumented schema property was not reported")
        n += 1
        what = f"{n} mutations (records and schema)"
    else:
        files = screen(binary, src, tmp)
        failures, n = validate_files(validator, files)
        failures += check_names_documented(schema, src)
        what = f"{n} records in {len(files)} runs"
    for line in failures[:50]:
        print("FAIL:", line)
    if len(failures) > 50:
        print(f"... and {len(failures) - 50} more")
    if failures:
        sys.exit(1)
    print(f"OK: {what}")


if __name__ == "__main__":
    main()
