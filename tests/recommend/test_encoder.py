"""Loading a model folder at run time: provider choice, fallbacks, and no network."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from app.cli.main import main
from recommend import encoder as encoder_module
from recommend.encoder import CPU, CUDA, Encoder, candidate_providers
from recommend.errors import ModelUnavailableError
from recommend.model_store import model_folder, model_status, try_load_encoder


def _copy(model: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(model, tmp_path / "model"))


def test_the_cpu_runs_the_int8_variant(tiny_model: Path) -> None:
    encoder = Encoder(tiny_model, provider=CPU)
    assert (encoder.choice.provider, encoder.choice.variant) == (CPU, "int8")
    assert encoder.model_id.endswith("/int8")
    assert encoder.session.get_providers()[0] == CPU


def test_provider_order_prefers_cuda_then_coreml_on_macos() -> None:
    assert candidate_providers([CUDA, CPU], "linux") == [CUDA, CPU]
    assert candidate_providers(["CoreMLExecutionProvider", CPU], "darwin") == ["CoreMLExecutionProvider", CPU]
    assert candidate_providers(["CoreMLExecutionProvider", CPU], "linux") == [CPU]
    assert candidate_providers([CPU], "win32") == [CPU]


@pytest.mark.skipif(bool(shutil.which("nvidia-smi")), reason="checks the fallback on a machine without a GPU")
def test_cuda_listed_but_unable_to_start_falls_back_to_the_cpu(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # onnxruntime-gpu lists CUDA even where its libraries are missing; make sure it is listed here.
    monkeypatch.setattr(ort, "get_available_providers", lambda: [CUDA, CPU])
    encoder = Encoder(tiny_model)
    assert encoder.choice.provider == CPU and encoder.choice.variant == "int8"
    assert "did not start" in encoder.choice.reason or "could not load" in encoder.choice.reason
    assert encoder.embed(["still works"]).shape == (1, 32)


def test_a_corrupt_int8_file_falls_back_to_fp32(tiny_model: Path, tmp_path: Path) -> None:
    folder = _copy(tiny_model, tmp_path)
    (folder / "model_int8.onnx").write_bytes(b"not a model")
    encoder = Encoder(folder, provider=CPU)
    assert encoder.choice.variant == "fp32"
    assert "could not load int8" in encoder.choice.reason


@pytest.mark.parametrize("damage", ["missing", "bad-json", "newer-schema", "no-weights", "bad-tokenizer"])
def test_a_broken_model_gives_a_message_not_a_crash(tiny_model: Path, tmp_path: Path, damage: str) -> None:
    folder = _copy(tiny_model, tmp_path)
    if damage == "missing":
        shutil.rmtree(folder)
    elif damage == "bad-json":
        (folder / "castwise_model.json").write_text("{")
    elif damage == "newer-schema":
        data = json.loads((folder / "castwise_model.json").read_text())
        data["schema_version"] = 99
        (folder / "castwise_model.json").write_text(json.dumps(data))
    elif damage == "no-weights":
        for path in folder.glob("*.onnx"):
            path.unlink()
    else:
        (folder / "tokenizer.json").write_text("garbage")
    with pytest.raises(ModelUnavailableError) as raised:
        Encoder(folder, provider=CPU)
    assert "castwise model export" in raised.value.message
    encoder, message = try_load_encoder(folder, provider=CPU)
    assert encoder is None and message == raised.value.message


def test_model_info_shows_the_provider_and_why(tiny_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(tiny_model, model_folder())
    assert main(["model", "info"]) == 0
    out = capsys.readouterr().out
    assert "provider: CPUExecutionProvider (int8)" in out
    assert "why:" in out and "CPU" in out
    assert main(["model", "info", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["usable"] is True and data["dims"] == 32 and data["variant"] == "int8"


def test_model_info_without_a_model_explains_the_fallback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "info"]) == 1
    out = capsys.readouterr().out
    assert "not usable" in out and "castwise model export" in out and "fall back" in out
    assert model_status().usable is False


def test_the_encoder_works_with_sockets_disabled(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> socket.socket:
        raise OSError("network access is not allowed in the recommender")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    encoder = Encoder(tiny_model)
    vectors = encoder.embed(["an episode about bread", "an episode about bread", "space"])
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)
    assert encoder_module.np is np  # the run time computes with numpy alone
