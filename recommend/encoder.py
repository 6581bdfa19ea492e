"""Text -> unit vectors with an exported Castwise model (onnxruntime + tokenizers + numpy only).

The execution provider is chosen explicitly and verified after the session is created, because
onnxruntime may list CUDA as available yet fall back to the CPU when its libraries fail to load:
CUDA (fp16, else fp32), then CoreML on macOS (fp32), then the CPU (int8, else fp32).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recommend.errors import ModelUnavailableError
from recommend.model_config import TOKENIZER_NAME, ModelConfig

# onnxruntime's names for the providers Castwise tries, best first.
CUDA = "CUDAExecutionProvider"
COREML = "CoreMLExecutionProvider"
CPU = "CPUExecutionProvider"
PREFERRED_VARIANTS = {CUDA: ("fp16", "fp32"), COREML: ("fp32",), CPU: ("int8", "fp32")}


def load_tokenizer(path: Path, max_length: int) -> Any:
    """The fast tokenizer at ``path`` truncating at ``max_length`` tokens and padding to the
    longest text of each batch. The stored file pads/truncates at a fixed 128, which would cut
    long descriptions and waste work on short titles, so both settings are overridden here."""
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as error:  # tokenizers raises a bare Exception on a corrupt file
        raise ModelUnavailableError(f"the tokenizer {path} is unreadable: {error}") from error
    tokenizer.no_truncation()
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    pad_id = tokenizer.token_to_id("[PAD]")
    tokenizer.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")
    return tokenizer


@dataclass(frozen=True)
class ProviderChoice:
    """The execution provider in use, the variant it runs and why (shown by ``castwise model info``)."""

    provider: str
    variant: str
    reason: str

    def summary(self) -> str:
        """One listener-facing line: where recommendations are computed and why there."""
        where = {CUDA: "GPU, CUDA", COREML: "Core ML"}.get(self.provider, "CPU")
        return f"Recommendations are computed on this computer ({where}, {self.variant} model): {self.reason}."


def _platform() -> str:
    return sys.platform


def candidate_providers(available: Sequence[str], platform: str | None = None) -> list[str]:
    """Providers worth trying, best first, given onnxruntime's available list."""
    platform = platform or _platform()
    order = [CUDA]
    if platform == "darwin":
        order.append(COREML)
    return [name for name in order if name in available] + [CPU]


class Encoder:
    """An ONNX sentence encoder. Thread-safe for :meth:`embed` (onnxruntime sessions are)."""

    def __init__(
        self, folder: Path, *, provider: str | None = None, threads: int | None = None, variant: str | None = None
    ) -> None:
        """Load ``folder`` on the best provider (or the named one). ``threads`` caps onnxruntime's
        intra-op threads (None: onnxruntime's default, all cores); ``variant`` forces one variant
        (``fp32``, ``int8``, ``fp16``) instead of the provider's preference. Raises
        :class:`ModelUnavailableError` when nothing in the folder can be loaded."""
        import onnxruntime as ort

        self.folder = Path(folder)
        self.config = ModelConfig.read(self.folder)
        self.tokenizer = load_tokenizer(self.folder / TOKENIZER_NAME, self.config.max_length)
        available = ort.get_available_providers()
        candidates = [provider] if provider else candidate_providers(available)
        if CUDA in candidates and hasattr(ort, "preload_dlls") and importlib.util.find_spec("nvidia"):
            try:  # finds CUDA/cuDNN from NVIDIA's pip wheels (the gpu extra) when they are installed
                ort.preload_dlls()
            except Exception:  # absent or partial CUDA: the session check below decides
                pass
        notes: list[str] = []
        session = None
        choice: ProviderChoice | None = None
        for name in candidates:
            for variant_name in (variant,) if variant else PREFERRED_VARIANTS.get(name, ("fp32",)):
                file_name = self.config.variants.get(variant_name)
                if file_name is None or not (self.folder / file_name).is_file():
                    continue
                options = ort.SessionOptions()
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                # A GPU provider that fails to load logs errors; the outcome is reported in ``reason``.
                options.log_severity_level = 3 if name == CPU else 4
                if threads:
                    options.intra_op_num_threads = threads
                    options.inter_op_num_threads = 1
                if name != CPU:
                    ort.set_default_logger_severity(4)  # a failing GPU provider logs loudly; we report it
                try:
                    candidate = ort.InferenceSession(
                        str(self.folder / file_name), sess_options=options, providers=[name]
                    )
                except Exception as error:  # onnxruntime raises its own untyped errors on bad files
                    notes.append(f"{name} could not load {variant_name}: {str(error).splitlines()[0][:160]}")
                    continue
                finally:
                    ort.set_default_logger_severity(2)  # onnxruntime's default: warnings
                # A provider may be accepted yet silently replaced by the CPU (CUDA libraries missing).
                if name != CPU and candidate.get_providers()[0] != name:
                    notes.append(f"{name} is installed but did not start (its libraries failed to load)")
                    break
                session = candidate
                choice = ProviderChoice(name, variant_name, self._reason(name, variant_name, available, notes))
                break
            if session is not None:
                break
        if session is None or choice is None:
            raise ModelUnavailableError(
                f"the recommender model in {self.folder} could not be loaded ({'; '.join(notes) or 'no model file'})"
            )
        self.session = session
        self.choice = choice
        self._input_names = {item.name for item in session.get_inputs()}

    @staticmethod
    def _reason(name: str, variant: str, available: Sequence[str], notes: list[str]) -> str:
        parts = list(notes)
        if name == CUDA:
            parts.append(f"a CUDA GPU is available; running the {variant} model on it")
        elif name == COREML:
            parts.append("running on Apple's Core ML")
        else:
            if CUDA not in available:
                parts.append("no CUDA provider in this onnxruntime")
            parts.append(f"running the {variant} model on the CPU")
        return "; ".join(parts)

    @property
    def model_id(self) -> str:
        """The weights' id plus the variant: int8 and fp16 vectors differ slightly, so caches key on both."""
        return f"{self.config.model_id}/{self.choice.variant}"

    @property
    def dims(self) -> int:
        return self.config.dims

    def tokenize(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(input_ids, attention_mask) as int64 arrays padded to the batch's longest text."""
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        return ids, mask

    def embed(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        """Unit vectors for ``texts`` (float32, [len(texts), dims]); empty input gives [0, dims].

        Texts are sorted by length within the call so each batch pads little, then put back in order.
        """
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        result = np.empty((len(texts), self.dims), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            ids, mask = self.tokenize([texts[i] or " " for i in chunk])
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            (vectors,) = self.session.run([self.config.output], feeds)
            result[chunk] = vectors.astype(np.float32, copy=False)
        return result
