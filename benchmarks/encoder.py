"""Text encoder throughput and fidelity: torch fp32 vs ONNX Runtime fp32 vs ONNX Runtime int8.

    python -m benchmarks.encoder [--model DIR] [--batches 6] [--rounds 3]

Same process, same texts, batch 32, every sequence exactly 128 or 256 tokens (long texts
truncated), all cores. The engines take turns over ``--rounds`` rounds (each times ``--batches``
batches per engine); every rate is the median over rounds and ``int8_vs_torch`` the median of the
per-round ratios, so load from other processes that comes and goes hits both sides of a ratio
alike (``load_avg_1m`` reports it).

``top10_overlap``: the mean share of each query's 10 nearest items that int8 and torch fp32 agree
on, the first 200 of the first 2000 MovieLens items as queries (titles + genres + tags, all
distinct texts, the query itself excluded; synthetic text without MovieLens).
``fp32_top10_overlap`` is the same for ORT fp32, a control that reads 1.0, so ties or duplicate
items cannot explain a lower int8 figure. The measure is strict on purpose: MovieLens
neighbourhoods are dense (the 10th and 11th neighbours' cosines differ by ~0.002 at the median),
so small direction errors swap neighbours, which is what a listener sees in "More like this".

Each in a fresh process, ``cold_start_s`` (imports + load + first embedding) and ``rss_mb`` (peak
resident memory after embedding a batch of 16 at length 256) for ORT int8, with torch's for
comparison. Needs the train extra (torch + transformers) for the torch side. ``--gpu`` measures episodes/s
on a CUDA GPU instead (ORT CUDA fp16 with I/O binding, length 128).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BATCH = 32
LENGTHS = (128, 256)
MOVIES = ROOT.parent / "shared" / "recdata" / "ml-latest-small"

_COLD_ORT = """
import sys, time
def peak_mb():
    # VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork + exec on Linux.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.perf_counter()
from recommend.encoder import Encoder
encoder = Encoder(sys.argv[1], provider="CPUExecutionProvider")
encoder.embed(["a first episode"])
cold = time.perf_counter() - started
encoder.embed(["word " * 400] * 16, batch_size=16)
print(cold, peak_mb())
"""

_COLD_TORCH = """
import sys, time
def peak_mb():
    # VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork + exec on Linux.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
from pathlib import Path
started = time.perf_counter()
from recommend.training.export import default_source, load_encoder, pooled_module, torch_embed
module = pooled_module(load_encoder(default_source()))
torch_embed(module, Path(sys.argv[1]) / "tokenizer.json", ["a first episode"], 256)
cold = time.perf_counter() - started
torch_embed(module, Path(sys.argv[1]) / "tokenizer.json", ["word " * 400] * 16, 256)
print(cold, peak_mb())
"""


def _texts(count: int, seed: int = 0) -> list[str]:
    """Long episode-like texts (over 300 words each) so every sequence fills the length."""
    rng = random.Random(seed)
    words = ("history", "rome", "empire", "comedy", "interview", "science", "music", "bread", "war", "city",
             "podcast", "episode", "guest", "story", "market", "election", "space", "ocean", "garden", "novel")
    return [" ".join(rng.choice(words) for _ in range(320)) for _ in range(count)]


def _item_texts(limit: int) -> list[str]:
    if (MOVIES / "movies.csv").is_file():
        from benchmarks.rec_quality import load

        return load(MOVIES).texts[:limit]
    return [text[: 40 + i % 200] for i, text in enumerate(_texts(limit, seed=1))]


def _model_folder(explicit: Path | None) -> Path:
    from recommend.model_store import model_folder

    for candidate in (explicit, model_folder(), ROOT / ".bench" / "minilm"):
        if candidate is not None and (candidate / "castwise_model.json").is_file():
            return candidate
    from recommend.training.export import export_model

    export_model(out=ROOT / ".bench" / "minilm")
    return ROOT / ".bench" / "minilm"


def _rate(embed, texts: list[str]) -> float:  # type: ignore[no-untyped-def]
    embed(texts[:BATCH])  # warm-up: first-run allocations are not throughput
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        embed(texts[start : start + BATCH])
    return len(texts) / (time.perf_counter() - started)


def _fresh_process(code: str, folder: Path) -> tuple[float, float]:
    result = subprocess.run([sys.executable, "-c", code, str(folder)], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, HF_HUB_OFFLINE="1"), check=True)
    cold, rss = result.stdout.split()[-2:]
    return float(cold), float(rss)


def _top10(vectors: np.ndarray, queries: int) -> list[set[int]]:
    similarity = vectors[:queries] @ vectors.T
    similarity[np.arange(queries), np.arange(queries)] = -np.inf
    return [set(np.argsort(-row)[:10].tolist()) for row in similarity]


def gpu_throughput(folder: Path, *, length: int = 128, batch: int = 512, batches: int = 20) -> dict[str, object]:
    """Episodes/s on a CUDA GPU: ONNX Runtime's CUDA provider with the fp16 model and I/O binding
    (inputs copied to the GPU once per batch, output left there); torch CUDA fp16 when onnxruntime
    has no working CUDA provider (then the ORT figure stays open). Tokenising is timed apart."""
    import onnxruntime as ort

    from recommend.encoder import CUDA, load_tokenizer
    from recommend.model_config import ModelConfig

    texts = _texts(batch)
    tokenizer = load_tokenizer(folder / "tokenizer.json", length)
    started = time.perf_counter()
    encodings = tokenizer.encode_batch(texts)
    tokenise_per_s = len(texts) / (time.perf_counter() - started)
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    figures: dict[str, object] = {"gpu_length": length, "gpu_batch": batch, "tokenise_per_s": round(tokenise_per_s)}
    session = None
    if CUDA in ort.get_available_providers():
        config = ModelConfig.read(folder)
        session = ort.InferenceSession(str(folder / config.variants["fp16"]), providers=[CUDA])
        if session.get_providers()[0] != CUDA:
            session = None
    if session is not None:
        binding = session.io_binding()
        binding.bind_output("embedding", "cuda")

        def step() -> None:
            binding.bind_ortvalue_input("input_ids", ort.OrtValue.ortvalue_from_numpy(ids, "cuda", 0))
            binding.bind_ortvalue_input("attention_mask", ort.OrtValue.ortvalue_from_numpy(mask, "cuda", 0))
            session.run_with_iobinding(binding)
            binding.synchronize_outputs()

        figures["gpu_engine"] = "onnxruntime CUDA fp16, I/O binding"
    else:
        import torch

        from recommend.training.export import default_source, load_encoder, pooled_module

        module = pooled_module(load_encoder(default_source())).to("cuda").half()
        ids_t, mask_t = torch.from_numpy(ids), torch.from_numpy(mask)

        def step() -> None:
            with torch.inference_mode():
                module(ids_t.to("cuda", non_blocking=True), mask_t.to("cuda", non_blocking=True))
            torch.cuda.synchronize()

        figures["gpu_engine"] = "torch CUDA fp16 (onnxruntime has no working CUDA provider here: ORT figure open)"
    for _ in range(3):
        step()
    started = time.perf_counter()
    for _ in range(batches):
        step()
    figures["gpu_episodes_per_s"] = round(batch * batches / (time.perf_counter() - started))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--batches", type=int, default=6, help="batches of 32 timed per engine, length and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds in which the engines take turns")
    parser.add_argument("--gpu", action="store_true", help="only the CUDA episodes/s figure (needs a GPU)")
    args = parser.parse_args(argv)
    if args.gpu:
        print(json.dumps(gpu_throughput(_model_folder(args.model))))
        return 0
    import onnxruntime as ort
    import torch

    from recommend.encoder import Encoder, load_tokenizer
    from recommend.model_config import ModelConfig
    from recommend.training.export import default_source, load_encoder, pooled_module

    threads = os.cpu_count() or 1
    torch.set_num_threads(threads)
    folder = _model_folder(args.model)
    texts = _texts(BATCH * args.batches)
    module = pooled_module(load_encoder(default_source()))
    figures: dict[str, object] = {"threads": threads, "batch": BATCH}
    for length in LENGTHS:
        tokenizer = load_tokenizer(folder / "tokenizer.json", length)

        def tokens(batch: list[str], tokenizer=tokenizer) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
            encodings = tokenizer.encode_batch(batch)
            return (np.array([e.ids for e in encodings], dtype=np.int64),
                    np.array([e.attention_mask for e in encodings], dtype=np.int64))

        def run_torch(batch: list[str]) -> np.ndarray:
            ids, mask = tokens(batch)
            with torch.inference_mode():
                return module(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()

        engines = {"torch_fp32": run_torch}
        for variant in ("fp32", "int8"):
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            session = ort.InferenceSession(str(folder / ModelConfig.read(folder).variants[variant]), options,
                                           providers=["CPUExecutionProvider"])

            def run_ort(batch: list[str], session=session) -> np.ndarray:  # type: ignore[no-untyped-def]
                ids, mask = tokens(batch)
                return session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})[0]

            engines[f"ort_{variant}"] = run_ort
        rounds: dict[str, list[float]] = {name: [] for name in engines}
        for _ in range(max(1, args.rounds)):
            for name, embed in engines.items():
                rounds[name].append(_rate(embed, texts))
        rates = {name: float(np.median(values)) for name, values in rounds.items()}
        for name, rate in rates.items():
            figures[f"{name}_{length}_per_s"] = round(rate, 1)
        ratio = np.median(np.asarray(rounds["ort_int8"]) / np.asarray(rounds["torch_fp32"]))
        figures["int8_vs_torch" if length == 128 else f"int8_vs_torch_{length}"] = round(float(ratio), 2)
        print(f"length {length}: " + ", ".join(f"{k} {v:.1f}/s" for k, v in rates.items())
              + f" (rounds: {', '.join(f'{k} {[round(x) for x in v]}' for k, v in rounds.items())})", file=sys.stderr)
    items = _item_texts(2000)
    from recommend.training.export import torch_embed

    reference = np.vstack([torch_embed(module, folder / "tokenizer.json", items[i : i + 64], 256) for i in range(0, len(items), 64)])
    quantised = Encoder(folder, provider="CPUExecutionProvider").embed(items, batch_size=32)
    overlaps = [len(a & b) / 10 for a, b in zip(_top10(reference, 200), _top10(quantised, 200), strict=True)]
    figures["top10_overlap"] = round(float(np.mean(overlaps)), 3)
    # Control: ORT fp32 against the same reference; 1.0 shows the items have no ties or duplicates
    # that would make neighbour sets differ for reasons other than quantisation.
    exact = Encoder(folder, provider="CPUExecutionProvider", variant="fp32").embed(items, batch_size=32)
    figures["fp32_top10_overlap"] = round(float(np.mean(
        [len(a & b) / 10 for a, b in zip(_top10(reference, 200), _top10(exact, 200), strict=True)])), 3)
    figures["int8_mean_cosine"] = round(float((reference * quantised).sum(axis=1).mean()), 4)

    figures["cold_start_s"], figures["rss_mb"] = (round(v, 2) for v in _fresh_process(_COLD_ORT, folder))
    figures["torch_cold_start_s"], figures["torch_rss_mb"] = (round(v, 2) for v in _fresh_process(_COLD_TORCH, folder))
    figures["load_avg_1m"] = round(os.getloadavg()[0], 2)  # other processes share the cores: read ratios with it
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
