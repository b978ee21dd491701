"""Splink (DuckDB backend) on one FEBRL data set exported by `febrl_export.py`,
with the comparisons and blocking rules that `crates/resolve/examples/febrl.rs`
uses, so that the two can be compared. Prints one JSON line: precision, recall
and F1 of the pairs at match probability >= 0.95, of the pairs within the
clusters they make (the entities), and seconds (of the pairs).

    splink_febrl.py DIR febrl3        # deduplicate febrl3.csv
    splink_febrl.py DIR febrl4        # link febrl4a.csv to febrl4b.csv
"""
import json
import os
import logging
import sys
import time
from pathlib import Path

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import clusters, metrics, train_and_predict  # noqa: E402

start_process = time.time()
folder, name = Path(sys.argv[1]), sys.argv[2]
link = name == "febrl4"
read = lambda f: pd.read_csv(folder / f, dtype=str, keep_default_na=False).replace("", None)
frames = [read("febrl4a.csv"), read("febrl4b.csv")] if link else [read(f"{name}.csv")]
truth = set()
for a, b in pd.read_csv(folder / f"{name}.links.csv", dtype=str).itertuples(index=False):
    truth.add((min(a, b), max(a, b)))

start = time.time()
jw = lambda c: cl.JaroWinklerAtThresholds(c, [0.92, 0.80])
dl = lambda c: cl.DamerauLevenshteinAtThresholds(c, [1, 2])
rules = [
    block_on("given_name"),
    block_on("surname"),
    block_on("date_of_birth"),
    block_on("soc_sec_id"),
]
settings = SettingsCreator(
    link_type="link_only" if link else "dedupe_only",
    unique_id_column_name="rec_id",
    comparisons=[
        jw("given_name").configure(term_frequency_adjustments=True),
        jw("surname").configure(term_frequency_adjustments=True),
        dl("date_of_birth"),
        dl("soc_sec_id"),
        cl.ExactMatch("street_number"),
        jw("address_1"),
        jw("suburb"),
        dl("postcode"),
        cl.ExactMatch("state"),
    ],
    blocking_rules_to_generate_predictions=rules,
    retain_intermediate_calculation_columns=False,
)
db_api = DuckDBAPI()
tables = [db_api.register(f) for f in frames]
linker = Linker(tables if link else tables[0], settings, log_level=logging.WARNING)
linker.training.estimate_probability_two_random_records_match(
    [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id", "date_of_birth")], recall=0.7
)
predicted, predictions = train_and_predict(linker, rules)
seconds = time.time() - start

found = {(min(a, b), max(a, b)) for a, b in zip(predictions["rec_id_l"], predictions["rec_id_r"])}

# The entities too (not timed): connected components of the links at 0.95, every
# pair of records in one cluster (across the two files when linking).
side_of = {r: 0 for r in frames[0]["rec_id"]} | {r: 1 for r in frames[1]["rec_id"]} if link else {}
clustered = set()
for recs in clusters(linker, predicted):
    for i, a in enumerate(recs):
        for b in recs[i + 1:]:
            if not link or side_of[a] != side_of[b]:
                clustered.add((min(a, b), max(a, b)))
if os.environ.get("SPLINK_FOUND"):
    with open(os.environ["SPLINK_FOUND"], "w") as f:
        f.writelines(f"{a} {b}\n" for a, b in sorted(found))

print(json.dumps({
    "tool": "splink", "data": name, "records": sum(len(f) for f in frames), "true_pairs": len(truth),
    **metrics(found, clustered, truth),
    "seconds": round(seconds, 3), "process_seconds": round(time.time() - start_process, 3),
}))
