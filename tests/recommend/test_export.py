"""Exporting an encoder to a self-describing ONNX model folder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from app.cli.main import main
from recommend.encoder import Encoder, load_tokenizer
from recommend.model_config import ModelConfig
from recommend.training.export import export_model, load_encoder, pooled_module, torch_embed

PADDED_BATCH = [
    "history of Rome",
    "A long conversation about the fall of the Roman republic, the Gracchi brothers and Sulla's march.",
    "",
    "comedy",
]


def _ort_fp32(folder: Path, texts: list[str]) -> np.ndarray:
    config = ModelConfig.read(folder)
    tokenizer = load_tokenizer(folder / "tokenizer.json", config.max_length)
    encodings = tokenizer.encode_batch([t or " " for t in texts])
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    assert mask.min() == 0, "the batch must contain padding for this check to mean anything"
    session = ort.InferenceSession(str(folder / config.variants["fp32"]), providers=["CPUExecutionProvider"])
    return session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})[0]


def test_the_folder_describes_itself(tiny_model: Path) -> None:
    config = json.loads((tiny_model / "castwise_model.json").read_text())
    assert config["dims"] == 32
    assert config["max_length"] == 256
    assert config["pooling"] == "mean" and config["normalized"] is True
    assert config["schema_version"] == 1
    assert set(config["variants"]) == {"fp32", "int8", "fp16"}
    assert config["model_id"].startswith("tiny-bert-")
    for file_name in config["variants"].values():
        assert (tiny_model / file_name).stat().st_size > 0
    assert (tiny_model / "tokenizer.json").is_file()


def test_batch_and_sequence_axes_are_dynamic(tiny_model: Path) -> None:
    session = ort.InferenceSession(str(tiny_model / "model.onnx"), providers=["CPUExecutionProvider"])
    for item in session.get_inputs():
        assert all(isinstance(dim, str) for dim in item.shape), item.shape
    encoder = Encoder(tiny_model, provider="CPUExecutionProvider")
    for batch in (["one"], ["a b c d e f g h i j k l m n o p q r s t u v w x y z " * 8] * 3):
        vectors = encoder.embed(batch)
        assert vectors.shape == (len(batch), 32)
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_tiny_export_matches_torch_on_a_padded_batch(tiny_source: Path, tiny_model: Path) -> None:
    reference = torch_embed(pooled_module(load_encoder(tiny_source)), tiny_model / "tokenizer.json", [t or " " for t in PADDED_BATCH], 256)
    np.testing.assert_allclose(_ort_fp32(tiny_model, PADDED_BATCH), reference, atol=1e-5)


def test_minilm_export_matches_torch_and_int8_stays_close(minilm_model: Path, minilm_encoder: Encoder) -> None:
    from recommend.training.export import default_source

    texts = [t or " " for t in PADDED_BATCH]
    reference = torch_embed(pooled_module(load_encoder(default_source())), minilm_model / "tokenizer.json", texts, 256)
    np.testing.assert_allclose(_ort_fp32(minilm_model, PADDED_BATCH), reference, atol=1e-5)
    assert minilm_encoder.choice.variant == "int8"
    cosines = (minilm_encoder.embed(texts) * reference).sum(axis=1)
    assert cosines.mean() > 0.97 and cosines.min() > 0.95


def test_minilm_int8_keeps_fp32_directions_on_episode_texts(minilm_encoder: Encoder) -> None:
    """The CPU's int8 model must point where fp32 does, closely enough to keep nearest neighbours:
    plain per-tensor dynamic int8 stays near 0.993 mean cosine here (and moves ~17% of the
    top-10 neighbours on MovieLens titles); handling the outlier channels apart reaches ~0.9986."""
    from recommend.training.export import default_source
    from tests.recommend.conftest import SHOWS

    texts = [f"{show}. {title}. {description}" for show, episodes in SHOWS.items() for title, description, _ in episodes]
    texts += [title for episodes in SHOWS.values() for title, _, _ in episodes]
    reference = torch_embed(pooled_module(load_encoder(default_source())), default_source() / "tokenizer.json", texts, 256)
    assert minilm_encoder.choice.variant == "int8"
    cosines = (minilm_encoder.embed(texts) * reference).sum(axis=1)
    assert cosines.mean() > 0.997 and cosines.min() > 0.995, (cosines.mean(), cosines.min())


def test_the_tokenizer_keeps_256_tokens_not_the_stored_128(minilm_model: Path) -> None:
    stored = json.loads((minilm_model / "tokenizer.json").read_text())
    assert stored["truncation"]["max_length"] == 128  # the file as shipped; the loader must override it
    tokenizer = load_tokenizer(minilm_model / "tokenizer.json", 256)
    long_one, short_one = tokenizer.encode_batch(["word " * 400, "hi"])
    assert len(long_one.ids) == 256
    assert len(short_one.ids) == 256 and sum(short_one.attention_mask) == 3  # padded to the longest
    (alone,) = tokenizer.encode_batch(["hi"])
    assert len(alone.ids) == 3  # no fixed padding to 128


def test_model_export_command_writes_the_folder(tiny_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "exported"
    assert main(["model", "export", "--source", str(tiny_source), "--out", str(out)]) == 0
    assert ModelConfig.read(out).dims == 32
    assert "exported" in capsys.readouterr().out


def test_model_export_defaults_to_the_models_folder(tiny_source: Path, castwise_home: Path) -> None:
    export_model(tiny_source, variants=("fp32",))
    config = ModelConfig.read(castwise_home / "models" / "all-MiniLM-L6-v2")
    assert set(config.variants) == {"fp32"}


def test_a_bad_source_fails_clearly_and_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "models" / "broken"
    assert main(["model", "export", "--source", str(tmp_path / "nowhere"), "--out", str(out)]) == 1
    assert "not a model folder" in capsys.readouterr().err
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []  # no half-written staging folder
