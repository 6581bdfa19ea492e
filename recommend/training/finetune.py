"""Optional on-device contrastive fine-tuning of the encoder on the listener's own history.

Needs the ``train`` extra (torch + transformers); uses the GPU when torch sees one, else the CPU.
Pairs are episodes the listener engaged with one after another (anchor -> next positive); every
other positive in the batch and the listener's dismissed episodes are the negatives (in-batch
InfoNCE, as sentence-transformers' MultipleNegativesRankingLoss). The tuned encoder is re-exported
to ONNX and compared with the installed one on the listener's newest 20% of history, which
training never saw; it replaces the installed model only when it ranks that history better.
"""

from __future__ import annotations

import itertools
import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from recommend.catalog import EpisodeInfo
from recommend.encoder import Encoder
from recommend.model_store import install_model
from recommend.personalise import roc_auc
from recommend.profile import Signal, build_profile
from recommend.ranking import CandidateContext, score_candidates
from recommend.signals import Outcome, age_days
from recommend.training.export import default_source, export_model, load_encoder, pooled_module

HELD_OUT_SHARE = 0.2
MIN_POSITIVES = 6
EVAL_UNTOUCHED = 400


@dataclass(frozen=True)
class FineTuneResult:
    installed: bool
    why: str
    before_auc: float | None = None
    after_auc: float | None = None
    pairs: int = 0
    device: str = "cpu"
    model_id: str | None = None

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _history(episodes: list[EpisodeInfo], outcomes: dict[int, Outcome]) -> list[tuple[int, Outcome]]:
    row_of = {episode.id: row for row, episode in enumerate(episodes)}
    return sorted(((row_of[i], o) for i, o in outcomes.items() if i in row_of), key=lambda pair: pair[1].last_at)


def held_out_auc(
    encoder: Encoder, episodes: list[EpisodeInfo], outcomes: dict[int, Outcome], now: datetime, *, seed: int = 0
) -> float | None:
    """How well profiles from the older 80% of history rank the newest 20% of positives above
    episodes the listener never touched (AUC with the default head); None without enough data."""
    history = _history(episodes, outcomes)
    cut = int(len(history) * (1 - HELD_OUT_SHARE))
    earlier, later = history[:cut], history[cut:]
    positives = [row for row, o in later if o.weight > 0]
    touched = {row for row, _ in history}
    untouched = [row for row in range(len(episodes)) if row not in touched]
    if not positives or not untouched or not any(o.weight > 0 for _, o in earlier):
        return None
    rng = random.Random(seed)
    untouched = rng.sample(untouched, min(EVAL_UNTOUCHED, len(untouched)))
    rows = [row for row, _ in earlier] + positives + untouched
    vectors = encoder.embed([episodes[row].text for row in rows])
    local = {row: index for index, row in enumerate(rows)}
    profile = build_profile(vectors, [Signal(local[r], o.weight, age_days(o.last_at, now)) for r, o in earlier if o.weight])
    candidates = np.array([local[row] for row in positives + untouched])
    scores = score_candidates(profile, vectors[candidates], CandidateContext.neutral(len(candidates))).scores
    labels = np.array([1] * len(positives) + [0] * len(untouched))
    return roc_auc(labels, scores)


def training_pairs(episodes: list[EpisodeInfo], outcomes: dict[int, Outcome]) -> tuple[list[tuple[str, str]], list[str]]:
    """(anchor, positive) texts from consecutive positives of the older history, and dismissed texts."""
    history = _history(episodes, outcomes)
    earlier = history[: int(len(history) * (1 - HELD_OUT_SHARE))]
    liked = [episodes[row].text for row, o in earlier if o.weight > 0]
    disliked = [episodes[row].text for row, o in earlier if o.weight < 0]
    return list(itertools.pairwise(liked)), disliked


def fine_tune(
    episodes: list[EpisodeInfo],
    outcomes: dict[int, Outcome],
    installed: Path,
    *,
    source: Path | None = None,
    epochs: int = 2,
    learning_rate: float = 2e-5,
    batch_size: int = 16,
    max_length: int = 128,
    now: datetime | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> FineTuneResult:
    """Fine-tune ``source`` (default: MiniLM) on the history, re-export, compare with the model in
    ``installed`` and replace it only when the new one is better on the held-out history."""
    import torch

    say = progress or (lambda _message: None)
    now = now or datetime.now(UTC)
    pairs, disliked = training_pairs(episodes, outcomes)
    if len(pairs) + 1 < MIN_POSITIVES:
        return FineTuneResult(False, f"needs at least {MIN_POSITIVES} liked or finished episodes")
    current = Encoder(installed)
    before = held_out_auc(current, episodes, outcomes, now, seed=seed)
    if before is None:
        return FineTuneResult(False, "not enough recent history to measure an improvement")
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(seed)
    source = source or default_source()
    module = pooled_module(load_encoder(source)).to(device)
    module.train()
    from recommend.encoder import load_tokenizer

    tokenizer = load_tokenizer(source / "tokenizer.json", max_length)
    optimiser = torch.optim.AdamW(module.parameters(), lr=learning_rate)
    rng = random.Random(seed)

    def encode(texts: list[str]) -> torch.Tensor:
        encodings = tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in encodings], dtype=torch.long, device=device)
        mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long, device=device)
        return module(ids, mask)

    say(f"fine-tuning on {len(pairs)} pairs ({device})")
    for _ in range(epochs):
        rng.shuffle(pairs)
        for start in range(0, len(pairs), batch_size):
            batch = pairs[start : start + batch_size]
            anchors = encode([a for a, _ in batch])
            candidates = encode([p for _, p in batch] + rng.sample(disliked, min(len(disliked), batch_size)))
            logits = 20.0 * anchors @ candidates.T  # scale 20 on cosine, as MultipleNegativesRankingLoss
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch), device=device))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    module.eval()
    workspace = Path(tempfile.mkdtemp(prefix="castwise-finetune-"))
    try:
        weights = workspace / "weights"
        module.inner.to("cpu").save_pretrained(weights)
        shutil.copyfile(source / "tokenizer.json", weights / "tokenizer.json")
        candidate_folder = installed.parent / f".{installed.name}.candidate"
        say("re-exporting to ONNX")
        config = export_model(weights, candidate_folder, name=f"{installed.name}-personal")
        after = held_out_auc(Encoder(candidate_folder), episodes, outcomes, now, seed=seed)
        if after is not None and after > before:
            install_model(candidate_folder, installed)
            return FineTuneResult(True, "ranks your recent listening better", before, after, len(pairs), device, config.model_id)
        shutil.rmtree(candidate_folder, ignore_errors=True)
        return FineTuneResult(False, "not better than the installed model; kept it", before, after, len(pairs), device)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
