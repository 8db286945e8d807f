#!/usr/bin/env python3
"""Checks run.json's portfolio.tnfd.sensitive_locations against a count made here, independently,
from the raw layer measurements in sites.jsonl (docs/leap.md, "TNFD metrics"; issue #23).

Usage: tnfd_sensitive_counts.py SITESCREEN_BINARY SOURCE_DIR
Screens the sample point sites and the sample polygon sites into a temporary folder with the
shipped catalog and profiles, then for each run counts, per theme of the vector layers whose
criterion is biodiversity_importance, the sites inside a feature (and the footprint hectares inside:
per site, the largest overlap of a layer of that theme) and the sites not inside whose nearest
feature is within their profile's rules.proximity.sensitive_within_m (from run.json's profiles).
"""
import json
import os
import subprocess
import sys
import tempfile


def count(out):
    with open(os.path.join(out, "run.json"), encoding="utf-8") as f:
        run = json.load(f)
    profiles = run["profiles"]["profiles"]
    themes = {}
    with open(os.path.join(out, "sites.jsonl"), encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec["status"] != "ok" or not rec.get("verdict"):
                continue
            profile = profiles.get(rec["type"]) or profiles[profiles["fallback_type"]]
            near_m = profile["proximity"]["sensitive_within_m"]
            per_theme = {}
            for layer in rec["layers"]:
                if layer["kind"] != "vector" or layer["criterion"] != "biodiversity_importance":
                    continue
                t = per_theme.setdefault(layer["theme"], {"inside": False, "nearest": None, "overlap_m2": None})
                t["inside"] = t["inside"] or layer["inside"]
                d = layer["nearest"]["distance_m"]
                if d is not None and (t["nearest"] is None or d < t["nearest"]):
                    t["nearest"] = d
                if "footprint" in layer:
                    t["overlap_m2"] = max(t["overlap_m2"] or 0.0, layer["footprint"]["overlap_area_m2"])
            for theme, t in per_theme.items():
                c = themes.setdefault(theme, {"sites_inside": 0, "sites_near": 0, "inside_ha": 0.0})
                if t["inside"]:
                    c["sites_inside"] += 1
                    c["inside_ha"] += (t["overlap_m2"] or 0.0) / 1e4
                elif t["nearest"] is not None and t["nearest"] <= near_m:
                    c["sites_near"] += 1
    return run, themes


def check(out):
    run, expected = count(out)
    got = run["portfolio"]["tnfd"]["sensitive_locations"]["themes"]
    failures = []
    if sorted(got) != sorted(expected):
        failures.append(f"themes: run.json {sorted(got)} != sites.jsonl {sorted(expected)}")
    for theme, c in expected.items():
        g = got.get(theme, {})
        for key in ("sites_inside", "sites_near"):
            if g.get(key) != c[key]:
                failures.append(f"{theme}.{key}: run.json {g.get(key)} != sites.jsonl {c[key]}")
        if abs(g.get("inside_ha", -1) - c["inside_ha"]) > 0.01:
            failures.append(f"{theme}.inside_ha: run.json {g.get('inside_ha')} != sites.jsonl {c['inside_ha']:.3f}")
    return expected, failures


def main():
    binary, src = sys.argv[1], sys.argv[2]
    failures = []
    with tempfile.TemporaryDirectory(prefix="sitescreen-tnfd-") as tmp:
        for name in ("candidates.csv", "candidates_polygons.geojson"):
            out = os.path.join(tmp, name)
            subprocess.run([binary, "screen", "--sites", os.path.join(src, "sample_sites", name), "--out", out,
                            "--layers", os.path.join(src, "layers", "catalog.yaml"),
                            "--profiles", os.path.join(src, "config", "profiles"),
                            "--formats", "data", "--quiet"], check=True)
            expected, f = check(out)
            failures += [f"{name}: {x}" for x in f]
            inside = sum(c["sites_inside"] for c in expected.values())
            near = sum(c["sites_near"] for c in expected.values())
            print(f"{name}: {len(expected)} themes, {inside} site-theme pairs inside, {near} near: "
                  + ("MISMATCH" if f else "run.json agrees"))
            if inside == 0:
                failures.append(f"{name}: no site inside any sensitive location: the check would be empty")
    for x in failures:
        print("FAIL " + x)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
