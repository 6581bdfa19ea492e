"""The JSON that makes a model folder self-describing (read at run time, written by the exporter).

A Castwise model folder holds ``castwise_model.json`` (this), ``tokenizer.json`` and one ONNX file
per variant. Each ONNX graph takes ``input_ids`` and ``attention_mask`` (int64, shape
[batch, sequence], both axes dynamic) and returns ``embedding`` (float32, [batch, dims]) already
mean-pooled over the unmasked tokens and L2-normalised, so callers never pool or normalise.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from recommend.errors import ModelUnavailableError

CONFIG_NAME = "castwise_model.json"
TOKENIZER_NAME = "tokenizer.json"
SCHEMA_VERSION = 1
DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"

# Variant name -> ONNX file name. fp32 is the reference; int8 is for CPUs; fp16 is for GPUs.
VARIANT_FILES = {"fp32": "model.onnx", "int8": "model_int8.onnx", "fp16": "model_fp16.onnx"}


@dataclass(frozen=True)
class ModelConfig:
    """What a model folder contains and how its embeddings were made."""

    model_id: str
    """Names the weights and their variants (``name-<digest of every variant's ONNX file>``, so a
    new quantisation recipe gets a new id): embeddings cached under another id are stale."""
    source_model: str
    dims: int
    max_length: int
    """Tokens per text (longer texts are truncated at load)."""
    pooling: str = "mean"
    normalized: bool = True
    variants: dict[str, str] = field(default_factory=dict)
    """Variant name -> file name inside the folder, for the variants that were exported."""
    schema_version: int = SCHEMA_VERSION
    inputs: tuple[str, ...] = ("input_ids", "attention_mask")
    output: str = "embedding"

    def to_json(self) -> str:
        data = asdict(self)
        data["inputs"] = list(self.inputs)
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def write(self, folder: Path) -> Path:
        path = folder / CONFIG_NAME
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def read(cls, folder: Path) -> ModelConfig:
        """Read and validate ``folder``'s config; raises :class:`ModelUnavailableError` when the
        folder is missing, the JSON is broken or from a newer schema."""
        path = folder / CONFIG_NAME
        if not path.is_file():
            raise ModelUnavailableError(f"no recommender model at {folder}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            version = int(data.get("schema_version", 0))
            if version > SCHEMA_VERSION or version < 1:
                raise ValueError(f"schema version {version} is not supported (this Castwise reads {SCHEMA_VERSION})")
            config = cls(
                model_id=str(data["model_id"]),
                source_model=str(data["source_model"]),
                dims=int(data["dims"]),
                max_length=int(data["max_length"]),
                pooling=str(data.get("pooling", "mean")),
                normalized=bool(data.get("normalized", True)),
                variants={str(k): str(v) for k, v in dict(data["variants"]).items()},
                schema_version=version,
                inputs=tuple(str(name) for name in data.get("inputs", ("input_ids", "attention_mask"))),
                output=str(data.get("output", "embedding")),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise ModelUnavailableError(f"the recommender model config {path} is unreadable: {error}") from error
        if config.dims <= 0 or config.max_length <= 0 or not config.variants:
            raise ModelUnavailableError(f"the recommender model config {path} is incomplete")
        return config
