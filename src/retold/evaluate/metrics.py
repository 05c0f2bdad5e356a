"""Classification and clustering metrics, computed from plain label sequences."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BinaryScores:
    precision: float
    recall: float
    f1: float
    accuracy: float
    n: int
    tp: int
    fp: int
    fn: int
    tn: int


def _safe_div(num: float, den: float) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return _safe_div(2 * p * r, p + r)


def binary_scores(y_true: Sequence[int | bool], y_pred: Sequence[int | bool]) -> BinaryScores:
    """Precision, recall, F1 (of the positive class) and accuracy.

    Empty denominators give 0.0 rather than raising: a model that predicts no positives has
    precision 0 by this convention, which is what a regression gate should see.
    """
    if len(y_true) != len(y_pred):
        raise ValueError(f"length mismatch: {len(y_true)} labels, {len(y_pred)} predictions")
    tp = fp = fn = tn = 0
    for t, p in zip(y_true, y_pred, strict=True):
        if p:
            if t:
                tp += 1
            else:
                fp += 1
        elif t:
            fn += 1
        else:
            tn += 1
    precision = _safe_div(tp, tp + fp)
    recall = _safe_div(tp, tp + fn)
    n = len(y_true)
    return BinaryScores(
        precision, recall, _f1(precision, recall), _safe_div(tp + tn, n), n, tp, fp, fn, tn
    )


@dataclass(frozen=True, slots=True)
class BCubedScores:
    precision: float
    recall: float
    f1: float


def bcubed(
    gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]
) -> BCubedScores:
    """BCubed precision/recall/F1 (Bagga & Baldwin 1998; Amigó et al. 2009).

    ``gold`` and ``predicted`` map each item to its cluster id and must cover the same items.
    Per item: precision is the share of its predicted cluster that shares its gold cluster,
    recall the share of its gold cluster that shares its predicted cluster; both are averaged
    over items, so large clusters weigh by their size.
    """
    if set(gold) != set(predicted):
        raise ValueError("gold and predicted clusterings cover different items")
    if not gold:
        return BCubedScores(0.0, 0.0, 0.0)
    pred_members: dict[Hashable, list[Hashable]] = defaultdict(list)
    gold_sizes: dict[Hashable, int] = defaultdict(int)
    for item, cluster in predicted.items():
        pred_members[cluster].append(item)
    for cluster in gold.values():
        gold_sizes[cluster] += 1
    # Items in the same (gold, predicted) cell are correct for each other in both directions.
    cell: dict[tuple[Hashable, Hashable], int] = defaultdict(int)
    for item in gold:
        cell[gold[item], predicted[item]] += 1
    p_sum = r_sum = 0.0
    for item in gold:
        both = cell[gold[item], predicted[item]]
        p_sum += both / len(pred_members[predicted[item]])
        r_sum += both / gold_sizes[gold[item]]
    n = len(gold)
    p, r = p_sum / n, r_sum / n
    return BCubedScores(p, r, _f1(p, r))


def cluster_pairs(
    gold: Mapping[Hashable, Hashable | None], predicted: Mapping[Hashable, Hashable | None]
) -> BinaryScores:
    """Pairwise precision/recall/F1 of two groupings of the same items: a pair is positive
    when both items share a cluster; ``None`` is a cluster of its own for each item (an
    article in no family). ``accuracy`` and ``tn`` count the negative pairs too."""
    if set(gold) != set(predicted):
        raise ValueError("gold and predicted clusterings cover different items")
    items = sorted(gold, key=repr)
    tp = fp = fn = tn = 0
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            same_gold = gold[a] is not None and gold[a] == gold[b]
            same_pred = predicted[a] is not None and predicted[a] == predicted[b]
            tp += same_gold and same_pred
            fp += same_pred and not same_gold
            fn += same_gold and not same_pred
            tn += not (same_gold or same_pred)
    p, r = _safe_div(tp, tp + fp), _safe_div(tp, tp + fn)
    return BinaryScores(p, r, _f1(p, r), _safe_div(tp + tn, tp + fp + fn + tn),
                        tp + fp + fn + tn, tp, fp, fn, tn)


def groups_kept(
    cluster: Mapping[str, Hashable | None], groups: Iterable[Sequence[str]]
) -> tuple[int, list[tuple[str, str, bool]]]:
    """How well predicted clusters keep gold groups together: the number of groups whose
    members all sit in one cluster, and every pair of members of one group with whether
    the two share a cluster. ``cluster`` maps an item to its cluster, None for none (an
    item outside every cluster is with nothing)."""
    whole = 0
    pairs: list[tuple[str, str, bool]] = []
    for members in groups:
        found = {cluster.get(m) for m in members}
        whole += len(found) == 1 and None not in found
        pairs += [(x, y, cluster.get(x) is not None and cluster.get(x) == cluster.get(y))
                  for k, x in enumerate(members) for y in members[k + 1 :]]
    return whole, pairs
