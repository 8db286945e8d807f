#!/usr/bin/env python3
"""The typed parts of a site's result (src/screen/result.h: the verdict, the mitigation steps, the
avoidance search's answer) are written to sites.jsonl by one serializer, src/screen/result.cpp
(issue 18 item 1). This check fails, naming the file and the key, when another source file names
one of their keys as a string: the assessment must build the structs, not JSON.

Files that still *read* those keys back from a site's record (the reports read the record, not
the typed result) are listed in READERS with what they read; the list may only shrink. A new file
naming a key, a listed reader naming a key it is not listed for, or a listed key no longer read,
fails.

  check_record_keys.py SOURCE_DIR            the check
  check_record_keys.py SOURCE_DIR --self-test  shows the check bites: a planted key must fail
"""
import os
import re
import shutil
import sys
import tempfile

# Keys that only the verdict, a mitigation step or the avoidance search's answer carries
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
]

SERIALIZER = "src/screen/result.cpp"

# Readers of the record, to move to the typed result (issue 18): file -> the keys it reads.
READERS = {
    "src/report/core_writers.cpp": {"level_text"},
    "src/report/formats.cpp": {"level_text", "criteria_assessed", "criteria_needed"},
    "src/report/gpkg_writer.cpp": {"level_at_alternative", "lowers_verdict"},
    "src/report/site_report_doc.cpp": {"level_at_alternative"},
    "src/screen/portfolio.cpp": {"level_text"},
}


def check(src):
    pattern = re.compile(r'"(' + "|".join(re.escape(k) for k in KEYS) + r')"')
    problems = []
    seen = {rel: set() for rel in READERS}
    for root, _, files in os.walk(os.path.join(src, "src")):
        for name in sorted(files):
            if not name.endswith((".cpp", ".h")):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, src)
            if rel == SERIALIZER:
                continue
            allowed = READERS.get(rel, set())
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    for key in pattern.findall(line):
                        if rel in seen:
                            seen[rel].add(key)
                        if key not in allowed:
                            problems.append(f"{rel}:{number}: names the record key \"{key}\": "
                                            f"build the typed result (screen/result.h) and let "
                                            f"{SERIALIZER} write it")
    # The list only shrinks: a reader moved to the typed result leaves it.
    for rel, keys in READERS.items():
        for key in sorted(keys - seen[rel]):
            problems.append(f"{rel}: no longer reads \"{key}\": take it off READERS in {os.path.basename(__file__)}")
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
            found = check(tmp)
            want = {"src/screen/assess_json.cpp", "src/report/gpkg_writer.cpp"}
            got = {p.split(":")[0] for p in found}
            if got != want:
                print(f"self-test: the planted keys were not all caught: {found}", file=sys.stderr)
                return 1
            print(f"check_record_keys self-test: both planted keys caught ({len(found)} findings)")
            return 0
    problems = check(src)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print(f"check_record_keys: {len(KEYS)} keys of the typed result, named only by {SERIALIZER} "
          f"and {len(READERS)} listed readers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
