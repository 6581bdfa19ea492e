"""Typed errors of the recommender, built on the library's error kinds."""

from __future__ import annotations

from library.errors import CastwiseError, ErrorKind

INSTALL_HINT = "run `castwise model export` (needs the train extra: pip install -e '.[train]')"


class RecommenderError(CastwiseError):
    """Base of the recommender's errors."""


class ModelUnavailableError(RecommenderError):
    """The model folder is missing or unusable; recommendations fall back to recent + popular."""

    kind = ErrorKind.FATAL

    def __init__(self, message: str) -> None:
        super().__init__(f"{message}; {INSTALL_HINT}")


class EmbeddingCancelledError(RecommenderError):
    """Background embedding was cancelled; what was embedded before is kept."""

    kind = ErrorKind.TEMPORARY
