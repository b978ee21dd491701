#!/usr/bin/env python3
"""Compare Qingfeng's Cardinal models (R003-R058) with Cardinal's own results on the same file.

Usage:
    ocdscardinal indicators --settings all.ini FILE > cardinal.json   # every [R0xx] section present
    qingfeng --data D import --no-scan FILE && qingfeng --data D scan --models R003,...,R058
    qingfeng --data D warnings export --format jsonl > ours.jsonl
    scripts/compare-cardinal.py cardinal.json ours.jsonl

For each indicator and group (OCID, Buyer, ProcuringEntity, Tenderer) that a Qingfeng model
raises warnings on, prints how many identifiers each side flags and which only one side does.
Cardinal also lists under Tenderer, with the value 0.0 or 1.0, the firms of a flagged process
(R024, R028, R030, R035, R058); Qingfeng names them in the process's evidence instead, so
those are counted but not compared. R018 processes that Qingfeng alone flags because it
counted one tenderer where numberOfTenderers is missing (its documented difference) are
listed apart. Exit status 1 if any compared set differs.
"""
import json
import sys
from collections import defaultdict

# R038's figure `role` says which of Cardinal's groups a unit or firm belongs to.
ROLES = {"采购人 buyer": "Buyer", "采购代理 procuring entity": "ProcuringEntity"}


def ours(path):
    flagged = defaultdict(set)
    counted = set()
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                w = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{number}: not JSON: {e}")
            model = w.get("model", "")
            if not model.startswith("R") or w.get("status", "open") != "open":
                continue
            try:
                kind, ident = w["subject"]["kind"], w["subject"]["id"]
            except (KeyError, TypeError):
                sys.exit(f"{path}:{number}: not a warning of `qingfeng warnings export --format jsonl`")
            figures = w.get("evidence", {}).get("figures", {})
            if model == "R018" and figures.get("declared") is None:
                counted.add(ident)
                continue
            if kind == "tender":
                group = "OCID"
            elif figures.get("role") in ROLES:
                group = ROLES[figures["role"]]
            else:
                group = "Tenderer"
            flagged[(model, group)].add(ident)
    return flagged, counted


def cardinal(path):
    with open(path, encoding="utf-8") as f:
        try:
            results = json.load(f)
        except json.JSONDecodeError as e:
            sys.exit(f"{path}: not Cardinal's JSON output: {e}")
    if not isinstance(results, dict):
        sys.exit(f"{path}: not Cardinal's JSON output: expected an object of groups")
    flagged = defaultdict(set)
    for group, entries in results.items():
        if group in ("Meta", "Maps"):
            continue
        for ident, indicators in entries.items():
            for indicator in indicators:
                flagged[(indicator, group)].add(ident)
    return flagged


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    theirs, (mine, counted) = cardinal(sys.argv[1]), ours(sys.argv[2])
    compared = set(mine) | {k for k in theirs if k[1] != "Tenderer" or k[0] in ("R025", "R038", "R048")}
    differ = False
    print(f"{'indicator':<10} {'group':<16} {'Cardinal':>9} {'Qingfeng':>9} {'both':>9}  only one side")
    for key in sorted(compared | set(theirs)):
        a, b = theirs.get(key, set()), mine.get(key, set())
        if key not in compared:
            print(f"{key[0]:<10} {key[1]:<16} {len(a):>9} {'-':>9} {'-':>9}  (named in the process's evidence)")
            continue
        note = ""
        if a != b:
            differ = True
            only_a, only_b = sorted(a - b), sorted(b - a)
            note = f"Cardinal only {len(only_a)} {only_a[:3]}; Qingfeng only {len(only_b)} {only_b[:3]}"
        print(f"{key[0]:<10} {key[1]:<16} {len(a):>9} {len(b):>9} {len(a & b):>9}  {note}")
    if counted:
        also = len(counted & theirs.get(("R018", "OCID"), set()))
        print(f"R018: {len(counted)} more processes with one tenderer counted from the bids, no numberOfTenderers"
              f" ({also} of them flagged by Cardinal too)")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
