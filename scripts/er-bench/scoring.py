"""What the Splink scripts of this folder share: training and prediction as
both run them, and precision, recall and F1 of found pairs against the true
ones — of the links, and of the pairs within the clusters the links make (the
entities)."""
import os


def train_and_predict(linker, rules):
    """u from random pairs (RANDOM_PAIRS, default 10^6, seed 1), m by EM per
    blocking rule, then the links at match probability >= 0.95: (SplinkDataFrame,
    pandas frame). λ is each script's own."""
    linker.training.estimate_u_using_random_sampling(max_pairs=float(os.environ.get("RANDOM_PAIRS", "1e6")), seed=1)
    for rule in rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predicted = linker.inference.predict(threshold_match_probability=0.95)
    return predicted, predicted.as_pandas_dataframe()


def clusters(linker, predicted):
    """The records of each cluster of the links at 0.95."""
    frame = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predicted, threshold_match_probability=0.95
    ).as_pandas_dataframe()
    members = {}
    for rec, cluster in zip(frame["rec_id"], frame["cluster_id"]):
        members.setdefault(cluster, []).append(rec)
    return members.values()


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
