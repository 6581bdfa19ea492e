"""Recommendation quality: Castwise's ranker against baselines on a MovieLens-format folder.

    python -m benchmarks.rec_quality --data ../shared/recdata/ml-latest-small

Protocols (seed 0): each user's ratings are split in time order 80/20 (ties by item id); a
rating >= 4 is a positive (finished/liked), 3-3.5 played but not liked, <= 2.5 skipped (an explicit
negative). Users with >= 5 positives and >= 1 positive in their test window are scored.
  A: the user's test items plus 50 unseen items sampled by training popularity -> AUC, MRR,
     nDCG@5, nDCG@10 (MIND definitions).
  B: all items outside the training window -> Recall@20 (hits / min(20, positives)), nDCG@20.
  C: a seeded 20% of items removed from every training window (new episodes); all of them are
     ranked for users with >= 1 test positive among them -> AUC, Recall@20, nDCG@20.
Users are split 50/50 (seeded) into a population and evaluation listeners. Castwise's shipped
parts (adapter, head) learn from the population's training windows only; evaluation listeners'
training windows are used only as on-device input. Baselines are scored on the same evaluation
listeners; the collaborative ones (ItemKNN, ALS, BPR) train on everyone's training window.
The last line printed is one JSON object: method -> {"A": {...}, "B": {...}, "C": {...}}.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from recommend.adapter import item_space
from recommend.profile import Signal, build_profile
from recommend.ranking import CandidateContext, score_candidates
from recommend.training.population import History, fit_adapter, fit_head, training_examples

SEED = 0
A_NEGATIVES = 50
NEW_ITEM_SHARE = 0.2
METHODS = ("castwise", "random", "popularity", "tfidf", "itemknn", "als", "bpr")
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Data:
    items: list[int]
    """MovieLens ids by row."""
    texts: list[str]
    users: list[np.ndarray]
    """Per user: [n, 3] of (item row, rating*2 as int, timestamp), time ordered (ties by item id)."""


def load(folder: Path) -> Data:
    movies = list(csv.DictReader((folder / "movies.csv").open(encoding="utf-8")))
    row_of = {int(m["movieId"]): row for row, m in enumerate(movies)}
    tags: dict[int, list[str]] = defaultdict(list)
    if (folder / "tags.csv").is_file():
        for tag in csv.DictReader((folder / "tags.csv").open(encoding="utf-8")):
            words = tag["tag"].strip()
            if words and words.lower() not in (t.lower() for t in tags[int(tag["movieId"])]):
                tags[int(tag["movieId"])].append(words)
    texts = []
    for movie in movies:
        genres = movie["genres"].replace("|", ", ") if movie["genres"] != "(no genres listed)" else ""
        text = f"{movie['title']}. Genres: {genres}."
        if tags[int(movie["movieId"])]:
            text += " Tags: " + ", ".join(tags[int(movie["movieId"])][:20]) + "."
        texts.append(text)
    per_user: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for rating in csv.DictReader((folder / "ratings.csv").open(encoding="utf-8")):
        item = row_of.get(int(rating["movieId"]))
        if item is not None:
            per_user[int(rating["userId"])].append((item, round(float(rating["rating"]) * 2), int(rating["timestamp"])))
    users = []
    for user in sorted(per_user):
        # Time order; ratings given in the same second go by item id.
        rows = sorted(per_user[user], key=lambda r: (r[2], int(movies[r[0]]["movieId"])))
        users.append(np.asarray(rows, dtype=np.int64))
    return Data([int(m["movieId"]) for m in movies], texts, users)


@dataclass
class Split:
    train: list[np.ndarray]
    test: list[np.ndarray]


def split_users(data: Data, removed: np.ndarray | None = None) -> Split:
    """Per-user time-ordered 80/20; ``removed`` items are dropped from every training window."""
    train, test = [], []
    for rows in data.users:
        cut = round(len(rows) * 0.8)
        head, tail = rows[:cut], rows[cut:]
        if removed is not None and len(head):
            head = head[~np.isin(head[:, 0], removed)]
        train.append(head)
        test.append(tail)
    return Split(train, test)


def positive(rows: np.ndarray) -> np.ndarray:
    return rows[:, 1] >= 8  # rating >= 4 (ratings are stored doubled)


# ---- metrics (MIND definitions) -------------------------------------------------------------


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Rank-based ROC AUC with ties counted as half."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    n_pos = labels.sum()
    n_neg = len(labels) - n_pos
    return float((ranks[labels == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def ordering(scores: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Best first; equal scores in a seeded random order (so ties favour nobody)."""
    return np.lexsort((tiebreak, -scores))


def mrr(labels: np.ndarray, order: np.ndarray) -> float:
    ranked = labels[order]
    return float((ranked / (np.arange(len(ranked)) + 1)).sum() / ranked.sum())


def dcg(gains: np.ndarray, k: int) -> float:
    gains = gains[:k]
    return float(((2**gains - 1) / np.log2(np.arange(len(gains)) + 2)).sum())


def ndcg(labels: np.ndarray, order: np.ndarray, k: int) -> float:
    best = dcg(np.sort(labels)[::-1], k)
    return dcg(labels[order], k) / best if best > 0 else 0.0


def recall(labels: np.ndarray, order: np.ndarray, k: int) -> float:
    return float(labels[order[:k]].sum() / min(k, labels.sum()))


# ---- the methods ------------------------------------------------------------------------------

ScoreFn = Callable[[int, np.ndarray], np.ndarray]
"""(user index, candidate item rows) -> scores (higher is better)."""


def interaction_matrix(train: list[np.ndarray], users: np.ndarray, n_items: int):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for u in users:
        pos = train[u][positive(train[u]), 0]
        rows.extend([u] * len(pos))
        cols.extend(pos.tolist())
    return csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(train), n_items))


def popularity_counts(train: list[np.ndarray], n_items: int) -> np.ndarray:
    counts = np.zeros(n_items)
    for rows in train:
        np.add.at(counts, rows[:, 0], 1)
    return counts


def method_random(seed: int) -> ScoreFn:
    rng = np.random.default_rng(seed + 1)
    return lambda _u, candidates: rng.random(len(candidates))


def method_popularity(counts: np.ndarray) -> ScoreFn:
    return lambda _u, candidates: counts[candidates]


def tfidf_matrix(texts: list[str]):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    tokenised = [re.findall(r"[a-z0-9]+", text.lower()) for text in texts]
    vocabulary: dict[str, int] = {}
    rows, cols, values = [], [], []
    for row, tokens in enumerate(tokenised):
        counts: dict[int, int] = defaultdict(int)
        for token in tokens:
            counts[vocabulary.setdefault(token, len(vocabulary))] += 1
        for col, count in counts.items():
            rows.append(row)
            cols.append(col)
            values.append(float(count))
    matrix = csr_matrix((values, (rows, cols)), shape=(len(texts), len(vocabulary)))
    df = np.bincount(matrix.indices, minlength=len(vocabulary))
    idf = np.log((1 + len(texts)) / (1 + df)) + 1
    matrix = matrix.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
    return csr_matrix(matrix.multiply(1 / np.where(norms == 0, 1, norms)[:, None]))


def method_tfidf(tfidf, train: list[np.ndarray]) -> ScoreFn:  # type: ignore[no-untyped-def]
    def score(u: int, candidates: np.ndarray) -> np.ndarray:
        pos = train[u][positive(train[u]), 0]
        profile = np.asarray(tfidf[pos].sum(axis=0)).ravel()
        norm = np.linalg.norm(profile)
        return np.asarray(tfidf[candidates] @ (profile / (norm or 1.0))).ravel()

    return score


def method_itemknn(matrix) -> ScoreFn:  # type: ignore[no-untyped-def]
    norms = np.sqrt(np.asarray(matrix.sum(axis=0))).ravel()
    normalised = matrix.multiply(1 / np.where(norms == 0, 1, norms)[None, :]).tocsr()

    def score(u: int, candidates: np.ndarray) -> np.ndarray:
        user_row = normalised[u]  # cosine item-item similarity summed over the user's positives
        return np.asarray((user_row @ normalised.T) @ normalised[:, candidates].toarray()).ravel()

    return score


def method_implicit(kind: str, matrix, seed: int) -> ScoreFn:  # type: ignore[no-untyped-def]
    from implicit.cpu.als import AlternatingLeastSquares
    from implicit.cpu.bpr import BayesianPersonalizedRanking
    from threadpoolctl import threadpool_limits

    if kind == "als":
        model = AlternatingLeastSquares(factors=64, regularization=0.05, iterations=20, random_state=seed,
                                        num_threads=2, calculate_training_loss=False)
        with threadpool_limits(1, "blas"):  # implicit parallelises itself; nested BLAS threads only fight
            model.fit(matrix * 20.0, show_progress=False)  # confidence 1 + alpha, alpha = 20
    else:
        model = BayesianPersonalizedRanking(factors=64, learning_rate=0.05, regularization=0.01, iterations=150,
                                            random_state=seed, num_threads=2)
        model.fit(matrix, show_progress=False)
    users, items = np.asarray(model.user_factors), np.asarray(model.item_factors)
    return lambda u, candidates: items[candidates] @ users[u]


# ---- Castwise ----------------------------------------------------------------------------------


def embed_items(texts: list[str], model: Path | None, variant: str | None = None) -> tuple[np.ndarray, str]:
    """Unit text vectors for every item with the exported encoder (int8 on the CPU), cached in
    .bench/ by model id and text digest so reruns skip the encoding."""
    from recommend.encoder import Encoder
    from recommend.model_store import model_folder

    folder = model
    if folder is None:
        for candidate in (model_folder(), ROOT / ".bench" / "minilm"):
            if (candidate / "castwise_model.json").is_file():
                folder = candidate
                break
    if folder is None:
        from recommend.training.export import export_model

        folder = ROOT / ".bench" / "minilm"
        export_model(out=folder)
    encoder = Encoder(folder, provider="CPUExecutionProvider", threads=os.cpu_count(), variant=variant)
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    cache = ROOT / ".bench" / f"rec_quality-{encoder.model_id.replace('/', '-')}-{digest}.npy"
    if cache.is_file():
        return np.load(cache), f"{encoder.model_id} on {encoder.choice.provider} (cached vectors)"
    started = time.perf_counter()
    vectors = encoder.embed(texts, batch_size=32)
    cache.parent.mkdir(exist_ok=True)
    np.save(cache, vectors)
    rate = len(texts) / (time.perf_counter() - started)
    return vectors, f"{encoder.model_id} on {encoder.choice.provider}, {rate:.0f} items/s"


def signal_weight(doubled_rating: int) -> float:
    """The profile weight of a rating, read as a listening outcome."""
    if doubled_rating >= 9:
        return 1.5  # 4.5-5: finished and liked
    if doubled_rating >= 8:
        return 1.0  # 4: finished
    if doubled_rating >= 6:
        return 0.0  # 3-3.5: played, not liked: no signal either way
    return -1.0  # <= 2.5: skipped


def history_of(rows: np.ndarray) -> History:
    last = rows[-1, 2] if len(rows) else 0
    return History(
        items=rows[:, 0],
        labels=positive(rows).astype(np.int64),
        weights=np.asarray([signal_weight(int(r)) for r in rows[:, 1]]),
        ages_days=(last - rows[:, 2]) / 86400.0,
    )


class CastwiseRanker:
    """Castwise's ranker as the app runs it: a profile of the listener's own history, scored by
    the head; the adapter and head are the shipped parts, learned from the population only."""

    def __init__(self, text_vectors: np.ndarray, train: list[np.ndarray], population: np.ndarray, *, seed: int) -> None:
        histories = [history_of(train[u]) for u in population if len(train[u])]
        self.adapter = fit_adapter(text_vectors, histories)
        self.vectors = item_space(text_vectors, self.adapter)
        counts = np.zeros(len(text_vectors))
        for history in histories:
            np.add.at(counts, history.items, 1)
        self.popularity = np.log1p(counts)
        features, labels = training_examples(self.vectors, histories, self.popularity, seed=seed)
        self.head = fit_head(features, labels)
        self.train = train
        self.seed = seed

    def score(self, user: int, candidates: np.ndarray) -> np.ndarray:
        history = history_of(self.train[user])
        signals = [
            Signal(int(i), float(w), float(a))
            for i, w, a in zip(history.items, history.weights, history.ages_days, strict=True)
            if w != 0
        ]
        profile = build_profile(self.vectors, signals, seed=self.seed)
        neutral = CandidateContext.neutral(len(candidates))
        context = CandidateContext(self.popularity[candidates], neutral.show_affinity, neutral.age_days, neutral.length_fit)
        return score_candidates(profile, self.vectors[candidates], context, self.head).scores


# ---- evaluation -------------------------------------------------------------------------------


def scored_users(split: Split, evaluation: np.ndarray) -> list[int]:
    return [
        int(u) for u in evaluation
        if positive(split.train[u]).sum() + positive(split.test[u]).sum() >= 5 and positive(split.test[u]).sum() >= 1
    ]


def protocol_a(split: Split, users: list[int], counts: np.ndarray, n_items: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(SEED)
    p = counts / counts.sum()
    impressions = []
    for u in users:
        seen = set(split.train[u][:, 0].tolist()) | set(split.test[u][:, 0].tolist())
        drawn = rng.choice(n_items, size=min(n_items, A_NEGATIVES * 4), replace=False, p=p)
        negatives = [i for i in drawn if i not in seen][:A_NEGATIVES]
        candidates = np.concatenate([split.test[u][:, 0], np.asarray(negatives, dtype=np.int64)])
        labels = np.concatenate([positive(split.test[u]).astype(np.int64), np.zeros(len(negatives), np.int64)])
        impressions.append((u, candidates, labels))
    return impressions


def protocol_b(split: Split, users: list[int], n_items: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    impressions = []
    for u in users:
        candidates = np.setdiff1d(np.arange(n_items), split.train[u][:, 0])
        liked = set(split.test[u][positive(split.test[u]), 0].tolist())
        impressions.append((u, candidates, np.asarray([int(i in liked) for i in candidates])))
    return impressions


def protocol_c(split: Split, data: Data, evaluation: np.ndarray, new_items: np.ndarray) -> list[tuple[int, np.ndarray, np.ndarray]]:
    impressions = []
    for u in evaluation:
        u = int(u)
        cut = round(len(data.users[u]) * 0.8)
        earlier = set(data.users[u][:cut, 0].tolist())  # consumed before the window: not "new" to them
        candidates = np.asarray([i for i in new_items if i not in earlier], dtype=np.int64)
        liked = set(split.test[u][positive(split.test[u]), 0].tolist())
        labels = np.asarray([int(i in liked) for i in candidates])
        if positive(split.train[u]).sum() + positive(split.test[u]).sum() >= 5 and labels.sum() >= 1:
            impressions.append((u, candidates, labels))
    return impressions


def evaluate(score: ScoreFn, impressions, metrics: tuple[str, ...], n_items: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    tiebreak = np.random.default_rng(SEED + 7).random(n_items)
    totals: dict[str, list[float]] = {name: [] for name in metrics}
    for u, candidates, labels in impressions:
        scores = np.asarray(score(u, candidates), dtype=np.float64)
        order = ordering(scores, tiebreak[candidates])
        for name in metrics:
            if name == "auc":
                totals[name].append(auc(labels, scores))
            elif name == "mrr":
                totals[name].append(mrr(labels, order))
            elif name.startswith("ndcg"):
                totals[name].append(ndcg(labels, order, int(name[4:])))
            elif name.startswith("recall"):
                totals[name].append(recall(labels, order, int(name[6:])))
    return {name: round(float(np.mean(values)), 4) for name, values in totals.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "recdata" / "ml-latest-small")
    parser.add_argument("--model", type=Path, help="an exported Castwise model folder (default: installed, else exported)")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--variant", choices=("int8", "fp32"), help="encoder variant (default: int8, as the CPU runs it)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = load(args.data)
    n_items = len(data.items)
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(data.users))
    population, evaluation = np.sort(order[: len(order) // 2]), np.sort(order[len(order) // 2 :])
    new_items = np.sort(rng.permutation(n_items)[: int(n_items * NEW_ITEM_SHARE)])
    split_ab = split_users(data)
    split_c = split_users(data, removed=new_items)
    users = scored_users(split_ab, evaluation)
    print(f"{len(data.users)} users ({len(population)} population, {len(users)} scored), {n_items} items", file=sys.stderr)

    vectors, encode_note = embed_items(data.texts, args.model, args.variant)
    print(f"item vectors: {encode_note} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    impressions_a = protocol_a(split_ab, users, popularity_counts(split_ab.train, n_items), n_items)
    impressions_b = protocol_b(split_ab, users, n_items)
    impressions_c = protocol_c(split_c, data, evaluation, new_items)
    tfidf = tfidf_matrix(data.texts)
    results: dict[str, dict[str, dict[str, float]]] = {}
    wanted = [m for m in args.methods.split(",") if m]
    for method in wanted:
        per_protocol: dict[str, dict[str, float]] = {}
        for protocol, split, impressions, metrics in (
            ("A", split_ab, impressions_a, ("auc", "mrr", "ndcg5", "ndcg10")),
            ("B", split_ab, impressions_b, ("recall20", "ndcg20")),
            ("C", split_c, impressions_c, ("auc", "recall20", "ndcg20")),
        ):
            everyone = np.arange(len(data.users))
            if method == "castwise":
                score: ScoreFn = CastwiseRanker(vectors, split.train, population, seed=SEED).score
            elif method == "random":
                score = method_random(SEED)
            elif method == "popularity":
                score = method_popularity(popularity_counts(split.train, n_items))
            elif method == "tfidf":
                score = method_tfidf(tfidf, split.train)
            elif method == "itemknn":
                score = method_itemknn(interaction_matrix(split.train, everyone, n_items))
            elif method in ("als", "bpr"):
                score = method_implicit(method, interaction_matrix(split.train, everyone, n_items), SEED)
            else:
                parser.error(f"unknown method {method}")
            per_protocol[protocol] = evaluate(score, impressions, metrics, n_items)
        results[method] = per_protocol
        print(f"{method:>10}: {json.dumps(per_protocol)} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    print(f"total {time.perf_counter() - started:.0f} s on {os.cpu_count()} cores", file=sys.stderr)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
