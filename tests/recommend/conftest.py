"""Recommender fixtures: exported models (once per session, cached across runs) and a library.

Export is slow (seconds for the tiny model, ~15 s for MiniLM), so finished folders are kept in
pytest's cache under a key that changes whenever the export code or the source weights change.
Tests never use the model installed under CASTWISE_HOME.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPORT_SOURCES = [ROOT / "recommend" / "training" / "export.py", ROOT / "recommend" / "model_config.py"]


def _cache_key(source: Path) -> str:
    digest = hashlib.sha256()
    for path in EXPORT_SOURCES:
        digest.update(path.read_bytes())
    for name in ("config.json", "tokenizer.json"):
        digest.update((source / name).read_bytes())
    weights = source / "model.safetensors"
    if weights.exists():
        digest.update(str(weights.stat().st_size).encode())
    return digest.hexdigest()[:16]


def _exported(request: pytest.FixtureRequest, source: Path, name: str) -> Path:
    from recommend.training.export import export_model

    folder = Path(request.config.cache.mkdir("castwise-models")) / f"{name}-{_cache_key(source)}"
    if not (folder / "castwise_model.json").is_file():
        if folder.exists():
            shutil.rmtree(folder)
        export_model(source, folder, name=name)
    return folder


@pytest.fixture(scope="session")
def tiny_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 2-layer BERT (hidden size 32) with MiniLM's real tokenizer."""
    import torch
    from transformers import BertConfig, BertModel

    from recommend.training.export import default_source

    folder = tmp_path_factory.mktemp("tiny-bert")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=512,
    )
    BertModel(config).eval().save_pretrained(folder)
    shutil.copyfile(default_source() / "tokenizer.json", folder / "tokenizer.json")
    return folder


@pytest.fixture(scope="session")
def tiny_model(request: pytest.FixtureRequest, tiny_source: Path) -> Path:
    """The tiny BERT exported to a Castwise model folder (fp32, int8, fp16). Read-only: copy to change."""
    return _exported(request, tiny_source, "tiny-bert")


@pytest.fixture(scope="session")
def minilm_model(request: pytest.FixtureRequest) -> Path:
    """The real all-MiniLM-L6-v2 exported to a Castwise model folder. Read-only: copy to change."""
    from recommend.training.export import default_source

    return _exported(request, default_source(), "all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def minilm_encoder(minilm_model: Path):  # type: ignore[no-untyped-def]
    from recommend.encoder import Encoder

    return Encoder(minilm_model, provider="CPUExecutionProvider")
