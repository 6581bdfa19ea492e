"""Where the installed recommender model lives, loading it safely, and replacing it atomically.

The app never crashes over the model: :func:`model_status` reports what is installed and which
provider would run it, and :func:`try_load_encoder` returns ``None`` with a listener-facing
message when the model is missing or broken, so callers fall back to the non-ML ranking.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from library.paths import Paths, resolve_paths
from recommend.encoder import Encoder, ProviderChoice
from recommend.errors import ModelUnavailableError
from recommend.model_config import DEFAULT_MODEL_NAME, ModelConfig


def model_folder(paths: Paths | None = None, name: str = DEFAULT_MODEL_NAME) -> Path:
    """The folder the installed model named ``name`` lives in (it may not exist)."""
    return (paths or resolve_paths()).models / name


def load_encoder(
    folder: Path | None = None, *, provider: str | None = None, threads: int | None = None
) -> Encoder:
    """The encoder in ``folder`` (default: the installed model). Raises :class:`ModelUnavailableError`."""
    return Encoder(folder or model_folder(), provider=provider, threads=threads)


def try_load_encoder(
    folder: Path | None = None, *, provider: str | None = None, threads: int | None = None
) -> tuple[Encoder | None, str]:
    """(encoder, "") when the model loads, else (None, a message saying why and how to fix it)."""
    try:
        return load_encoder(folder, provider=provider, threads=threads), ""
    except ModelUnavailableError as error:
        return None, error.message


@dataclass(frozen=True)
class ModelStatus:
    """What ``castwise model info`` shows."""

    folder: Path
    config: ModelConfig | None
    choice: ProviderChoice | None
    message: str
    """Empty when the model loads; otherwise why it does not and how to fix it."""

    @property
    def usable(self) -> bool:
        return self.choice is not None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"folder": str(self.folder), "usable": self.usable, "message": self.message}
        if self.config is not None:
            data.update(
                model_id=self.config.model_id,
                source_model=self.config.source_model,
                dims=self.config.dims,
                max_length=self.config.max_length,
                pooling=self.config.pooling,
                variants=sorted(self.config.variants),
                schema_version=self.config.schema_version,
            )
        if self.choice is not None:
            data.update(provider=self.choice.provider, variant=self.choice.variant, reason=self.choice.reason)
        return data


def model_status(folder: Path | None = None, *, provider: str | None = None) -> ModelStatus:
    """Load the model (the real test of usability) and report the provider choice or the failure."""
    folder = folder or model_folder()
    try:
        config: ModelConfig | None = ModelConfig.read(folder)
    except ModelUnavailableError as error:
        return ModelStatus(folder, None, None, error.message)
    encoder, message = try_load_encoder(folder, provider=provider)
    return ModelStatus(folder, config, encoder.choice if encoder else None, message)


def install_model(candidate: Path, target: Path) -> None:
    """Replace ``target`` with the model folder ``candidate`` (moved, not copied).

    The old folder is renamed aside first and removed only after the new one is in place, so an
    interruption leaves either the old or the new model, never neither.
    """
    ModelConfig.read(candidate)  # refuse to install something the loader would reject
    target.parent.mkdir(parents=True, exist_ok=True)
    backup = target.with_name(f".{target.name}.previous")
    if backup.exists():
        shutil.rmtree(backup)
    if target.exists():
        target.rename(backup)
    shutil.move(str(candidate), str(target))
    if backup.exists():
        shutil.rmtree(backup, ignore_errors=True)
