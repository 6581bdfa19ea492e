"""The CPU (int8) variant of an exported encoder: dynamic int8 with outlier channels handled apart.

Plain ``quantize_dynamic`` (QInt8 weights per channel, uint8 activations with one scale per
tensor) keeps ~0.993 mean cosine to fp32 for all-MiniLM-L6-v2, yet moves too many nearest
neighbours: on MovieLens titles only ~83% of each item's 10 nearest items survive. The loss
comes from the activations, not the weights: BERT's hidden states carry a few channels whose
values are 3-15x larger than the rest (channels 62/99/223 of MiniLM's LayerNorm outputs, and
mostly on the [CLS] token), and one scale per tensor spends the 256 levels on them. Measured
per MatMul, the feed-forward blocks of the first layers and the value projections carry the
error; per-row scales would fix it but ONNX Runtime's integer kernels take one scale a tensor.

So before quantising, the calibrated ``OUTLIER_CHANNELS`` largest input channels of every
weight MatMul are taken out of the activation's range:

* inputs produced by a LayerNormalization (query/key/value and the feed-forward input) have
  those channels divided down to the next channel's range, the weight rows multiplied by the
  same factors (exact in fp32). That costs one elementwise Mul over the input.
* other inputs (the attention context and the GELU output, whose outliers are larger) have
  those channels zeroed for the int8 MatMul and multiplied in fp32 by their weight rows, which
  costs a Mul, a narrow Gather and MatMul and one Add over the output.

The graph is also exported with eager attention (an additive mask) instead of PyTorch's SDPA
path, whose Where/IsNaN masking costs ~10% of the int8 run time on the CPU; the fp32 and fp16
variants keep the standard export. The word-embedding Gather stays fp32 (quantising it per
tensor costs as much as one feed-forward MatMul in fidelity).

Measured on 2 cores against torch fp32, batch 32 at 128 tokens (see ``benchmarks/encoder``):
top-10 neighbour overlap 0.827 -> 0.924 (mean cosine 0.9927 -> 0.9985) at about the same throughput
as plain dynamic int8 (single-thread CPU time within ~2%).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

OUTLIER_CHANNELS = 4
"""Input channels per weight MatMul kept out of the int8 range (more gave no further gain)."""

CALIBRATION_BATCH = 16

# Episode-like texts of every length the app embeds (titles alone up to long transcripts): the
# outlier channels are a property of the weights, so a small varied set finds them.
CALIBRATION_TEXTS: tuple[str, ...] = (
    "Caesar crosses the Rubicon",
    "Sourdough bread basics. Starter, flour, hydration and baking a crusty loaf at home.",
    "Episode 212: the election night special, with our politics desk and three guest pollsters.",
    "Stand-up stories from the road: a comedian's funniest nights and worst gigs on tour.",
    "How black holes evaporate. A physicist explains Hawking radiation without the maths, "
    "then answers listener questions about time dilation, wormholes and the James Webb telescope.",
    "Markets wrap: oil, bonds and the dollar after the central bank held rates; what it means for mortgages.",
    "Interview: the novelist on writing about grief, her garden, and the city she left at nineteen.",
    "True crime. The disappearance of a lighthouse keeper in 1900 and the theories that followed.",
    "Bonus: live from the festival, with music, audience questions and a surprise guest.",
    "Learn Spanish in your car, lesson 14: ordering food, asking for directions, numbers to one hundred.",
    "The history of the Roman Republic, part 9. " + "Senators, consuls, tribunes and the assemblies of the plebs argue over land, "
    "debt and citizenship while armies return from the east richer than the state. " * 6,
    "Transcript. Welcome back to the show. Today we talk about sleep, " + "why we dream, how caffeine works, "
    "what shift work does to the body, and whether naps help. " * 8,
    "Football weekly: transfer rumours, the derby, and a goalkeeper's worst afternoon.",
    "Meditation for beginners. Ten minutes of breathing.",
    "Tech news: a new phone, an antitrust ruling, and why your smart fridge needs updates.",
    "Kids' bedtime story: the fox who lost his map.",
)


def quantize_int8(
    export_graph: Callable[[Path], None],
    tokenize: Callable[[Sequence[str]], tuple[np.ndarray, np.ndarray]],
    int8_path: Path,
    work: Path,
) -> None:
    """Write the int8 variant to ``int8_path``.

    ``export_graph(path)`` writes the fp32 graph to quantise (eager attention; same inputs and
    output as the fp32 variant); ``tokenize(texts)`` gives (input_ids, attention_mask) int64
    arrays. ``work`` is a scratch folder for the intermediate graphs.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source = work / "int8-source.onnx"
    prepared = work / "int8-prepared.onnx"
    export_graph(source)
    model = onnx.load(str(source))
    fp32_nodes = _take_outliers_apart(model, tokenize)
    onnx.save(model, str(prepared))
    # MatMul only: the embedding Gathers stay fp32 (see the module docstring). onnxruntime advises
    # its shape pre-processing on every call; that is for static quantisation of CNNs, not this.
    root = logging.getLogger()
    root.addFilter(_no_preprocessing_advice)
    try:
        quantize_dynamic(
            str(prepared), str(int8_path), weight_type=QuantType.QInt8, per_channel=True,
            op_types_to_quantize=["MatMul"], nodes_to_exclude=fp32_nodes,
        )
    finally:
        root.removeFilter(_no_preprocessing_advice)


def _no_preprocessing_advice(record: logging.LogRecord) -> bool:
    return "pre-processing before quantization" not in record.getMessage()


def _take_outliers_apart(model: Any, tokenize: Callable[[Sequence[str]], tuple[np.ndarray, np.ndarray]]) -> list[str]:
    """Rewrite ``model`` in place (fp32-exact) as the module docstring describes; returns the
    names of the narrow fp32 MatMuls that must not be quantised."""
    from onnx import helper, numpy_helper

    graph = model.graph
    weights = {tensor.name: tensor for tensor in graph.initializer}
    producers = {output: node for node in graph.node for output in node.output}
    consumers: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    groups: dict[str, list[Any]] = {}
    for node in graph.node:
        if node.op_type == "MatMul" and node.input[1] in weights:
            groups.setdefault(node.input[0], []).append(node)
    ranges = _channel_ranges(model, list(groups), tokenize)
    added: list[Any] = []
    fp32_nodes: list[str] = []
    for index, (activation, matmuls) in enumerate(groups.items()):
        channel_max = ranges[activation]
        if channel_max.shape[0] <= OUTLIER_CHANNELS:
            continue
        order = np.argsort(-channel_max, kind="stable")
        outliers = np.sort(order[:OUTLIER_CHANNELS]).astype(np.int64)
        prefix = f"castwise_outliers_{index}"
        producer = producers.get(activation)
        if producer is not None and producer.op_type == "LayerNormalization":
            # Shrink the outlier channels to the next channel's range; the weights absorb it.
            factors = np.ones_like(channel_max)
            level = max(float(channel_max[order[OUTLIER_CHANNELS]]), 1e-6)
            factors[outliers] = np.maximum(channel_max[outliers] / level, 1.0)
            graph.initializer.append(numpy_helper.from_array((1.0 / factors).astype(np.float32), f"{prefix}_shrink"))
            added.append(helper.make_node("Mul", [activation, f"{prefix}_shrink"], [f"{prefix}_input"], name=f"{prefix}_Shrink"))
            for matmul in matmuls:
                grown = numpy_helper.to_array(weights[matmul.input[1]]) * factors[:, None]
                weights[matmul.input[1]].CopyFrom(numpy_helper.from_array(grown.astype(np.float32), matmul.input[1]))
                matmul.input[0] = f"{prefix}_input"
            continue
        # Zero the outlier channels for the int8 MatMul and add their product back in fp32.
        keep = np.ones(channel_max.shape[0], dtype=np.float32)
        keep[outliers] = 0.0
        graph.initializer.append(numpy_helper.from_array(keep, f"{prefix}_keep"))
        graph.initializer.append(numpy_helper.from_array(outliers, f"{prefix}_index"))
        added.append(helper.make_node("Mul", [activation, f"{prefix}_keep"], [f"{prefix}_input"], name=f"{prefix}_Clean"))
        added.append(helper.make_node("Gather", [activation, f"{prefix}_index"], [f"{prefix}_channels"], axis=-1,
                                      name=f"{prefix}_Channels"))
        for number, matmul in enumerate(matmuls):
            weight = numpy_helper.to_array(weights[matmul.input[1]])
            rows = f"{prefix}_{number}_rows"
            graph.initializer.append(numpy_helper.from_array(np.ascontiguousarray(weight[outliers]), rows))
            cleaned = weight.copy()
            cleaned[outliers] = 0.0  # their inputs are zero now; zero rows also tighten the int8 weight scales
            weights[matmul.input[1]].CopyFrom(numpy_helper.from_array(cleaned, matmul.input[1]))
            matmul.input[0] = f"{prefix}_input"
            # Add after the bias Add when there is one, so ONNX Runtime still fuses MatMul + bias.
            after = matmul
            following = consumers.get(matmul.output[0], [])
            if len(following) == 1 and following[0].op_type == "Add" and any(x in weights for x in following[0].input):
                after = following[0]
            result = after.output[0]
            after.output[0] = f"{prefix}_{number}_int8"
            fp32_name = f"{prefix}_{number}_MatMul"
            added.append(helper.make_node("MatMul", [f"{prefix}_channels", rows], [f"{prefix}_{number}_fp32"], name=fp32_name))
            added.append(helper.make_node("Add", [f"{prefix}_{number}_int8", f"{prefix}_{number}_fp32"], [result],
                                          name=f"{prefix}_{number}_Add"))
            fp32_nodes.append(fp32_name)
    graph.node.extend(added)
    _sort_topologically(graph)
    return fp32_nodes


def _channel_ranges(model: Any, activations: list[str], tokenize: Callable[[Sequence[str]], tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    """Largest |value| per channel (last axis) of each named tensor over ``CALIBRATION_TEXTS``,
    padding positions included since the run-time int8 range includes them too."""
    import onnx
    import onnxruntime as ort
    from onnx import helper

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    for name in activations:
        probe.graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(probe.SerializeToString(), options, providers=["CPUExecutionProvider"])
    ranges: dict[str, np.ndarray] = {}
    texts = list(CALIBRATION_TEXTS)
    for start in range(0, len(texts), CALIBRATION_BATCH):
        ids, mask = tokenize(texts[start : start + CALIBRATION_BATCH])
        for name, values in zip(activations, session.run(activations, {"input_ids": ids, "attention_mask": mask}), strict=True):
            peak = np.abs(values).reshape(-1, values.shape[-1]).max(axis=0)
            ranges[name] = np.maximum(ranges[name], peak) if name in ranges else peak
    return ranges


def _sort_topologically(graph: Any) -> None:
    """ONNX requires nodes in dependency order; the inserted nodes were appended at the end."""
    available = {item.name for item in graph.input} | {item.name for item in graph.initializer} | {""}
    ordered: list[Any] = []
    pending = list(graph.node)
    while pending:
        waiting = []
        for node in pending:
            if all(name in available for name in node.input):
                ordered.append(node)
                available.update(node.output)
            else:
                waiting.append(node)
        if len(waiting) == len(pending):
            raise ValueError(f"the graph has a cycle or a missing input at {waiting[0].name}")
        pending = waiting
    del graph.node[:]
    graph.node.extend(ordered)
