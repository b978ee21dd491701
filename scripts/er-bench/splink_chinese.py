"""Splink (DuckDB backend) on the Chinese person files of
`cargo run --release -p resolve --example chinese -- export ...`, with the
comparisons and blocking rules of that example as Splink can express them:
name exact / same simplified form / same pinyin reading / one character apart
(Levenshtein 1 on the simplified form) with term frequencies; birth date and
ID number exact / 1 / 2 edits; region exact / same county; phone exact.
Prints one JSON line: precision, recall, F1 at match probability >= 0.95 (of the
pairs, and of the A-B pairs within the clusters they make), seconds (of the pairs).

    splink_chinese.py DIR
"""
import json
import logging
import sys
import time
from pathlib import Path

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import clusters, metrics, train_and_predict  # noqa: E402

start_process = time.time()
folder = Path(sys.argv[1])
read = lambda f: pd.read_csv(folder / f, dtype=str, keep_default_na=False).replace("", None)
frames = [read("a.csv"), read("b.csv")]
truth = {(a, b) for a, b in pd.read_csv(folder / "links.csv", dtype=str).itertuples(index=False)}

start = time.time()
name = cl.CustomComparison(
    output_column_name="name",
    comparison_levels=[
        cll.NullLevel("name"),
        cll.ExactMatchLevel("name").configure(tf_adjustment_column="name"),
        cll.ExactMatchLevel("name_simplified"),
        cll.ExactMatchLevel("name_reading"),
        cll.LevenshteinLevel("name_simplified", 1),
        cll.ElseLevel(),
    ],
)
region = cl.CustomComparison(
    output_column_name="region",
    comparison_levels=[
        cll.NullLevel("region"),
        cll.ExactMatchLevel("region"),
        cll.CustomLevel("substr(region_l, 1, 6) = substr(region_r, 1, 6)", label_for_charts="same county"),
        cll.ElseLevel(),
    ],
)
rules = [
    block_on("id_number"),
    block_on("phone"),
    block_on("name_reading", "substr(birth_date, 1, 4)"),
    block_on("name_reading", "substr(region, 1, 6)"),
    block_on("substr(id_number, 1, 14)"),
]
settings = SettingsCreator(
    link_type="link_only",
    unique_id_column_name="rec_id",
    comparisons=[
        name,
        cl.DamerauLevenshteinAtThresholds("birth_date", [1, 2]),
        region,
        cl.ExactMatch("phone"),
        cl.DamerauLevenshteinAtThresholds("id_number", [1, 2]),
    ],
    blocking_rules_to_generate_predictions=rules,
    retain_intermediate_calculation_columns=False,
)
db_api = DuckDBAPI()
linker = Linker([db_api.register(f) for f in frames], settings, log_level=logging.WARNING)
linker.training.estimate_probability_two_random_records_match([block_on("id_number")], recall=0.5)
predicted, predictions = train_and_predict(linker, rules)
seconds = time.time() - start

found = {(a, b) if a.startswith("a") else (b, a) for a, b in zip(predictions["rec_id_l"], predictions["rec_id_r"])}
# The entities too (not timed): every pair of an A and a B record in one cluster
# of the links at 0.95.
clustered = {(a, b) for recs in clusters(linker, predicted) for a in recs if a.startswith("a") for b in recs if b.startswith("b")}

print(json.dumps({
    "tool": "splink", "data": "chinese", "records": sum(len(f) for f in frames), "true_pairs": len(truth),
    **metrics(found, clustered, truth),
    "seconds": round(seconds, 3), "process_seconds": round(time.time() - start_process, 3),
}))
