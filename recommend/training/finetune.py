"""Optional on-device contrastive fine-tuning of the encoder on the listener's own history.

Needs the ``train`` extra (torch + transformers); uses the GPU when torch sees one, else the CPU.

What is learned: "what I finish is closer to what I finish than to what I skip". Each training
example is an anchor (a liked or finished episode), its positive (the next one the listener
engaged with) and the listener's dismissed episodes (skipped early, abandoned, "not interested")
as negatives, scored by InfoNCE on scaled cosine (as sentence-transformers'
MultipleNegativesRankingLoss). The other positives of a batch are deliberately *not* negatives:
they are episodes the listener liked too, and pushing them apart teaches the encoder to tell
liked episodes from each other (by topic) instead of from what the listener avoids, which on a
listener who finishes one kind of episode across many topics learned it only weakly. Only a
listener with no dismissed episodes at all falls back to in-batch positives as negatives.

The tuned encoder is re-exported to ONNX (fp32, int8, fp16) and compared with the installed one
on the listener's newest 20% of history, which training never saw: its positives against its
dismissed episodes and a sample of episodes never started. It replaces the installed model only
when that AUC is higher by at least :data:`MIN_GAIN`. An adapter shipped with the installed model
(:mod:`recommend.adapter`) counts on the installed side, as the app ranks with it; the tuned model
has none (it was fitted to the shipped text space), so it must beat the installed model as used.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from recommend.adapter import Adapter, item_space
from recommend.catalog import EpisodeInfo
from recommend.encoder import Encoder
from recommend.model_store import install_model
from recommend.personalise import roc_auc
from recommend.profile import Signal, build_profile
from recommend.ranking import CandidateContext, score_candidates
from recommend.signals import Outcome, age_days
from recommend.training.export import default_source, export_model, load_encoder, pooled_module, source_name

HELD_OUT_SHARE = 0.2
MIN_POSITIVES = 6
EVAL_UNTOUCHED = 400
MIN_GAIN = 0.01
"""Held-out AUC a tuned model must gain to be installed. A new model re-embeds the whole library
(the embedding cache is keyed by model id), so a gain within the noise of a few held-out events
is not worth it."""
SIMILARITY_SCALE = 20.0
"""Cosine similarities are multiplied by this before the softmax (MultipleNegativesRankingLoss's
default); unscaled cosines in [-1, 1] give gradients too flat to learn from a short history."""


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
    """How well a profile from the older 80% of history ranks the newest 20%: AUC of its positives
    against its dismissed episodes and up to :data:`EVAL_UNTOUCHED` episodes the listener never
    touched (default head, neutral context, so only the model differs). Vectors are compared as the
    app compares them: with the adapter shipped in the encoder's folder, if any. None without
    enough data."""
    history = _history(episodes, outcomes)
    cut = int(len(history) * (1 - HELD_OUT_SHARE))
    earlier, later = history[:cut], history[cut:]
    positives = [row for row, o in later if o.weight > 0]
    dismissed = [row for row, o in later if o.weight < 0]
    touched = {row for row, _ in history}
    untouched = [row for row in range(len(episodes)) if row not in touched]
    rng = random.Random(seed)
    negatives = dismissed + rng.sample(untouched, min(EVAL_UNTOUCHED, len(untouched)))
    if not positives or not negatives or not any(o.weight > 0 for _, o in earlier):
        return None
    rows = [row for row, _ in earlier] + positives + negatives
    vectors = item_space(encoder.embed([episodes[row].text for row in rows]), Adapter.load(encoder.folder))
    local = {row: index for index, row in enumerate(rows)}
    profile = build_profile(vectors, [Signal(local[r], o.weight, age_days(o.last_at, now)) for r, o in earlier if o.weight])
    candidates = np.array([local[row] for row in positives + negatives])
    scores = score_candidates(profile, vectors[candidates], CandidateContext.neutral(len(candidates))).scores
    labels = np.array([1] * len(positives) + [0] * len(negatives))
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
    learning_rate: float = 5e-5,
    batch_size: int = 8,
    max_length: int = 128,
    now: datetime | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> FineTuneResult:
    """Fine-tune ``source`` (default: MiniLM) on the history, re-export, compare with the model in
    ``installed`` and replace it only when the new one is better on the held-out history.

    ``batch_size`` anchors per step, each against as many dismissed episodes; ``max_length``
    tokens per text while training (the exported model keeps the installed one's length). The
    learning rate is above sentence-transformers' usual 2e-5, which suits thousands of pairs: a
    history gives dozens, so each of the few steps must count, and the held-out check guards
    against a step too far. The defaults learn a preference from a few dozen events in under a
    minute on two CPU cores. ``progress`` receives one line per stage and per epoch.
    """
    import torch

    say = progress or (lambda _message: None)
    now = now or datetime.now(UTC)
    pairs, disliked = training_pairs(episodes, outcomes)
    if len(pairs) + 1 < MIN_POSITIVES:
        return FineTuneResult(False, f"needs at least {MIN_POSITIVES} liked or finished episodes")
    current = Encoder(installed)
    say("measuring the installed model on your recent listening")
    before = held_out_auc(current, episodes, outcomes, now, seed=seed)
    if before is None:
        return FineTuneResult(False, "not enough recent history to measure an improvement")
    device = "cuda" if torch.cuda.is_available() else "cpu"
    source = source or default_source()
    workspace = Path(tempfile.mkdtemp(prefix="castwise-finetune-"))
    candidate_folder = installed.parent / f".{installed.name}.candidate"
    with _quiet_transformers():
        try:
            say(f"fine-tuning on {len(pairs)} pairs against {len(disliked)} dismissed episodes ({device})")
            module = _train(pairs, disliked, source, device, epochs=epochs, learning_rate=learning_rate,
                            batch_size=batch_size, max_length=max_length, seed=seed, say=say)
            weights = workspace / "weights"
            module.inner.to("cpu").save_pretrained(weights)
            shutil.copyfile(source / "tokenizer.json", weights / "tokenizer.json")
            say("re-exporting to ONNX")
            config = export_model(
                weights, candidate_folder, name=f"{installed.name}-personal", max_length=current.config.max_length
            )
            # Exported from a scratch folder, the config would name that; `model info` should say what it is.
            config = dataclasses.replace(config, source_model=f"{source_name(source)}, tuned on your listening")
            config.write(candidate_folder)
            say("measuring the tuned model on your recent listening")
            after = held_out_auc(Encoder(candidate_folder), episodes, outcomes, now, seed=seed)
            if after is not None and after >= before + MIN_GAIN:
                install_model(candidate_folder, installed)
                return FineTuneResult(
                    True, "ranks your recent listening better", before, after, len(pairs), device, config.model_id
                )
            why = "not better than the installed model; kept it"
            if after is not None and after > before:
                why = f"only {after - before:.3f} AUC better, not worth re-indexing your episodes; kept the installed model"
            return FineTuneResult(False, why, before, after, len(pairs), device)
        finally:
            # Also on failure: a half-measured candidate must never be left where installs look.
            shutil.rmtree(candidate_folder, ignore_errors=True)
            shutil.rmtree(workspace, ignore_errors=True)


def _train(
    pairs: list[tuple[str, str]],
    disliked: list[str],
    source: Path,
    device: str,
    *,
    epochs: int,
    learning_rate: float,
    batch_size: int,
    max_length: int,
    seed: int,
    say: Callable[[str], None],
) -> Any:
    """The :func:`pooled_module` of ``source`` trained on ``pairs`` (see the module docstring), in eval mode."""
    import torch

    from recommend.encoder import load_tokenizer

    torch.manual_seed(seed)
    module = pooled_module(load_encoder(source)).to(device)
    module.train()
    tokenizer = load_tokenizer(source / "tokenizer.json", max_length)
    optimiser = torch.optim.AdamW(module.parameters(), lr=learning_rate)
    rng = random.Random(seed)
    pairs = list(pairs)

    def encode(texts: list[str]) -> torch.Tensor:
        encodings = tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in encodings], dtype=torch.long, device=device)
        mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long, device=device)
        return module(ids, mask)

    def batch_loss(batch: list[tuple[str, str]]) -> torch.Tensor:
        anchors = encode([a for a, _ in batch])
        positives = encode([p for _, p in batch])
        if disliked:
            negatives = encode(rng.sample(disliked, min(len(disliked), batch_size)))
            # Column 0: each anchor's own positive; then the dismissed episodes.
            logits = torch.cat([(anchors * positives).sum(dim=1, keepdim=True), anchors @ negatives.T], dim=1)
            target = torch.zeros(len(batch), dtype=torch.long, device=device)
        else:
            logits = anchors @ positives.T
            target = torch.arange(len(batch), device=device)
        return torch.nn.functional.cross_entropy(SIMILARITY_SCALE * logits, target)

    for epoch in range(epochs):
        rng.shuffle(pairs)
        losses: list[float] = []
        for start in range(0, len(pairs), batch_size):
            loss = batch_loss(pairs[start : start + batch_size])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(float(loss.detach()))
        say(f"epoch {epoch + 1}/{epochs}: loss {sum(losses) / len(losses):.3f}")
    return module.eval()


@contextmanager
def _quiet_transformers() -> Iterator[None]:
    """transformers' own progress bars (loading and saving weights) off: ``progress`` reports instead."""
    from transformers.utils import logging as transformers_logging

    enabled = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            transformers_logging.enable_progress_bar()
