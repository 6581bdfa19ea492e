"""Export and fine-tuning tools (the ``train`` extra: torch + transformers). Never imported at run time."""
