#!/usr/bin/env python3
"""The typed parts of a site's result (src/screen/result.h: the verdict, the mitigation steps, the
avoidance search's answer, Locate's L2, L3 and L4 with its evidence, Evaluate's E1, E4 and TNFD
metrics, the activity's L2 and E2 tables) are written to
sites.jsonl by one serializer, src/screen/result.cpp (issue 18 item 1). This check fails, naming the file and the key, when another source file names
one of their keys as a string: the assessment must build the structs, not JSON.

The record's layer entries are written from the layers' measurements by the record's one writer,
src/report/record_line.cpp; the keys only they carry (LINE_KEYS) are guarded the same way. So are
the keys of run.json's portfolio (RUN_KEYS), written by the portfolio's roll-up and TNFD table
(src/screen/portfolio.cpp, src/screen/tnfd_metrics.cpp): the portfolio page and report.pdf read
the typed roll-up, not run.json.

No file reads those keys back from a site's record any more: every writer reads the typed result.
A writer whose own format has a field of the same name (sites.gpkg's alternatives layer has a
level_at_alternative column) is listed in OWN_FIELDS with that name and why; the list may only
shrink. A file naming a key it is not listed for, or a listed name no longer used, fails.

  check_record_keys.py SOURCE_DIR            the check
  check_record_keys.py SOURCE_DIR --self-test  shows the check bites: a planted key must fail
"""
import os
import re
import shutil
import sys
import tempfile

# Keys that only the verdict, a mitigation step, the avoidance search's answer or the metrics carry
# (docs/output.md, docs/leap.md). Keys shared with other objects ("level", "layer", "rule") cannot
# tell a producer from anything else and are left out.
KEYS = [
    # verdict
    "level_text", "criteria_assessed", "criteria_needed", "rules_fired", "rule_sets", "jurisdiction",
    # mitigation
    "trigger",
    # alternative
    "level_at_alternative", "lowers_verdict", "searched_as", "footprint_radius_m", "reach_m",
    "separation_m", "candidates_evaluated", "areas_closed", "rejected_by_full_screen",
    "rejected_outside_units", "layers_checked", "profile_note", "stays_within",
    # evaluate.metrics (the four metric keys are also run.json's portfolio.tnfd.metrics[].metric)
    "total_spatial_footprint", "land_use_change_natural", "land_use_change_sensitive",
    "water_withdrawal_scarce", "land_cover_layer", "measured_over", "natural_classes", "withdrawal_from",
    "layers_inside", "footprint_overlap_ha", "nearest_m",
    # locate.l4.criteria.<criterion>.evidence[] (the other evidence keys are shared with the layer
    # measurements and Locate's interface entries)
    "zone_at_site",
    # locate.l2[] (its other keys are shared with the activity tables)
    "profile_materiality", "screened",
    # evaluate.e4 with its factors, and the evaluate key the activity's pairs go under
    "highest_rating", "affected_share", "buffer_share", "area_ha", "factors_trace", "e2_activity",
    # locate.l3.ecosystems and evaluate.e1.services
    "mapped", "mix", "unmapped_share", "provided_by",
    # locate.activity and evaluate.e2_activity
    "location_dependent", "not_found", "highest_exposure",
    # the parts of locate and evaluate (the per-site report lays them out from the structs)
    "l1", "l2", "l3", "l4", "e1", "e2", "e3", "e4",
]

SERIALIZER = "src/screen/result.cpp"

# Keys of the record's layer entries that nothing else of the record carries: written by the record's
# one writer, src/report/record_line.cpp, from the layers' measurements. (A layer entry's other keys
# are shared with the evidence and the interfaces result.cpp writes, or with sites.gpkg's columns.)
LINE_KEYS = ["features_truncated", "buffer_area_m2", "class_shares", "majority_label"]
LINE_SERIALIZER = "src/report/record_line.cpp"

# Keys of run.json's portfolio (docs/output.md, "run.json") that nothing else carries. Its shared
# ones ("sites", "level", "metrics", the catalog's "inside_ha" column text) are left out.
RUN_KEYS = [
    "by_verdict", "share_by_verdict", "low_partial_coverage", "by_criterion", "by_type", "median_distance_m",
    "max_distance_m", "roll_up", "sites_at_level", "sites_with_value", "sites_not_available",
    "sites_inside_area_unknown", "footprint_ha_of_sites_inside", "footprint_ha_of_sites_near",
]
RUN_SERIALIZERS = {"src/screen/portfolio.cpp", "src/screen/tnfd_metrics.cpp"}

SERIALIZER_OF = {**{k: {SERIALIZER} for k in KEYS}, **{k: {LINE_SERIALIZER} for k in LINE_KEYS},
                 **{k: RUN_SERIALIZERS for k in RUN_KEYS}}

# Writers whose own format has a field named like one of the keys: file -> those names. They write
# the field from the typed result; they do not read the record.
OWN_FIELDS = {
    # sites.gpkg, layer alternatives, column level_at_alternative (docs/output.md)
    "src/report/gpkg_writer.cpp": {"level_at_alternative"},
}


def check(src):
    pattern = re.compile(r'"(' + "|".join(re.escape(k) for k in SERIALIZER_OF) + r')"')
    problems = []
    seen = {rel: set() for rel in OWN_FIELDS}
    for root, _, files in os.walk(os.path.join(src, "src")):
        for name in sorted(files):
            if not name.endswith((".cpp", ".h")):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, src)
            allowed = OWN_FIELDS.get(rel, set())
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    for key in pattern.findall(line):
                        if rel in SERIALIZER_OF[key]:
                            continue
                        if rel in seen:
                            seen[rel].add(key)
                        if key not in allowed:
                            typed = ("the portfolio's typed roll-up (screen/assess.h, Portfolio)" if key in RUN_KEYS
                                     else "the typed result (screen/result.h)")
                            problems.append(f"{rel}:{number}: names the output key \"{key}\": read or build "
                                            f"{typed} and let {' or '.join(sorted(SERIALIZER_OF[key]))} write it")
    # The list only shrinks: a name no longer used leaves it.
    for rel, keys in OWN_FIELDS.items():
        for key in sorted(keys - seen[rel]):
            problems.append(f"{rel}: no longer names \"{key}\": take it off OWN_FIELDS in {os.path.basename(__file__)}")
    return problems


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = sys.argv[1]
    if "--self-test" in sys.argv[2:]:
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(os.path.join(src, "src"), os.path.join(tmp, "src"))
            clean = check(tmp)
            if clean:
                print("self-test: the tree itself fails:\n" + "\n".join(clean), file=sys.stderr)
                return 1
            planted = os.path.join(tmp, "src", "screen", "assess_json.cpp")
            with open(planted, "a", encoding="utf-8") as f:
                f.write('\n// planted\nstatic const char* kPlanted = "rules_fired";\n')
            with open(os.path.join(tmp, "src", "report", "gpkg_writer.cpp"), "a", encoding="utf-8") as f:
                f.write('\n// planted\nstatic const char* kPlanted = "searched_as";\n')
            with open(os.path.join(tmp, "src", "report", "core_writers.cpp"), "a", encoding="utf-8") as f:
                f.write('\n// planted\nstatic const char* kPlanted = "majority_label";\n')
            with open(os.path.join(tmp, "src", "report", "portfolio_page.cpp"), "a", encoding="utf-8") as f:
                f.write('\n// planted\nstatic const char* kPlanted = "low_partial_coverage";\n')
            found = check(tmp)
            want = {"src/screen/assess_json.cpp", "src/report/gpkg_writer.cpp", "src/report/core_writers.cpp",
                    "src/report/portfolio_page.cpp"}
            got = {p.split(":")[0] for p in found}
            if got != want:
                print(f"self-test: the planted keys were not all caught: {found}", file=sys.stderr)
                return 1
            print(f"check_record_keys self-test: the planted keys caught ({len(found)} findings)")
            return 0
    problems = check(src)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print(f"check_record_keys: {len(KEYS)} keys of the typed result, named only by {SERIALIZER}, "
          f"{len(LINE_KEYS)} of the layer entries, named only by {LINE_SERIALIZER}, "
          f"{len(RUN_KEYS)} of run.json's portfolio, named only by {' and '.join(sorted(RUN_SERIALIZERS))}, "
          f"and {len(OWN_FIELDS)} writer with a field of the same name")
    return 0


if __name__ == "__main__":
    sys.exit(main())
