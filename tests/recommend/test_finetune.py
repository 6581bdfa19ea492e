"""On-device fine-tuning of the encoder: a tuned model replaces the installed one only if better."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from library.db import open_library
from library.paths import resolve_paths
from recommend.model_config import ModelConfig
from recommend.model_store import model_folder
from recommend.service import RecommenderService
from recommend.training.finetune import MIN_GAIN, fine_tune
from tests.recommend.conftest import NOW


@pytest.fixture
def installed_tiny(library_ids: dict[str, int], tiny_model: Path) -> Path:
    folder = model_folder()
    shutil.copytree(tiny_model, folder)
    return folder


def _history():  # type: ignore[no-untyped-def]
    from recommend.model_store import load_encoder

    paths = resolve_paths()
    with RecommenderService(open_library(paths), paths, load_encoder(model_folder()), owns_library=True) as service:
        return service.listening_history(now=NOW)


def test_a_model_that_is_not_better_is_not_installed(installed_tiny: Path, tiny_source: Path) -> None:
    before_id = ModelConfig.read(installed_tiny).model_id
    episodes, outcomes = _history()
    # No learning at all: the candidate is the installed model again, so it cannot be better.
    result = fine_tune(episodes, outcomes, installed_tiny, source=tiny_source, learning_rate=0.0, epochs=1, now=NOW)
    assert result.before_auc is not None and result.after_auc == pytest.approx(result.before_auc, abs=1e-6)
    assert result.installed is False and "kept" in result.why
    assert ModelConfig.read(installed_tiny).model_id == before_id
    assert not any(p.name.endswith(".candidate") for p in installed_tiny.parent.iterdir())


@pytest.mark.slow
def test_tuning_is_measured_and_installed_only_when_it_wins(installed_tiny: Path, tiny_source: Path) -> None:
    before_id = ModelConfig.read(installed_tiny).model_id
    episodes, outcomes = _history()
    result = fine_tune(episodes, outcomes, installed_tiny, source=tiny_source, learning_rate=1e-3, epochs=3, now=NOW)
    assert result.pairs >= 5 and result.device in {"cpu", "cuda"}
    assert result.before_auc is not None and result.after_auc is not None
    assert result.installed == (result.after_auc >= result.before_auc + MIN_GAIN)
    after_id = ModelConfig.read(installed_tiny).model_id
    assert (after_id != before_id) == result.installed
    if result.installed:
        assert after_id.startswith("all-MiniLM-L6-v2-personal-")


def test_model_personalise_command_reports_before_and_after(installed_tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from app.cli.main import main

    assert main(["model", "personalise", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    head = report["ranking_head"]
    assert head["before_auc"] is not None and head["installed"] == (head["after_auc"] > head["before_auc"])
    assert main(["model", "personalise"]) == 0
    assert "ranking head:" in capsys.readouterr().out


def test_a_listener_who_never_dismissed_anything_is_measured_too(installed_tiny: Path, tiny_source: Path) -> None:
    episodes, outcomes = _history()
    liked_only = {episode_id: o for episode_id, o in outcomes.items() if o.weight > 0}
    # Without dismissed episodes the other positives of a batch are the negatives; the held-out
    # positives are then measured against episodes never started alone.
    result = fine_tune(episodes, liked_only, installed_tiny, source=tiny_source, learning_rate=0.0, epochs=1, now=NOW)
    assert result.pairs >= 5 and result.before_auc is not None
    assert result.after_auc == pytest.approx(result.before_auc, abs=1e-6)
    assert result.installed is False
