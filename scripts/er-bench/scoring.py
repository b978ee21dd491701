"""Precision, recall and F1 of found pairs against the true ones, for the
Splink scripts of this folder: of the links, and of the pairs within the
clusters the links make (the entities)."""


def scores(pairs, truth):
    tp = len(pairs & truth)
    precision = tp / len(pairs) if pairs else 0.0
    recall = tp / len(truth) if truth else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def metrics(found, clustered, truth):
    """The JSON fields both scripts print, rounded to four places."""
    out = {"found_pairs": len(found)}
    out.update(zip(("precision", "recall", "f1"), (round(x, 4) for x in scores(found, truth))))
    out["cluster_pairs"] = len(clustered)
    out.update(zip(("cluster_precision", "cluster_recall", "cluster_f1"), (round(x, 4) for x in scores(clustered, truth))))
    return out
