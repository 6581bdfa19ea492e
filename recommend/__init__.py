"""On-device recommendations. Run-time modules need onnxruntime, tokenizers and numpy only."""
