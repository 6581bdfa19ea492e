"""Every filesystem location Castwise uses, in one place.

Locations follow each platform's conventions (platformdirs). Setting ``CASTWISE_HOME`` relocates
all of them under one folder, which is what tests, ``castwise --demo`` and portable installs use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "Castwise"
HOME_ENV = "CASTWISE_HOME"


@dataclass(frozen=True)
class Paths:
    """The folders Castwise reads and writes. Create them with :meth:`ensure`."""

    data: Path
    """The library database, embeddings and other state worth backing up."""
    config: Path
    """User preferences that are not in the database (the database holds most settings)."""
    cache: Path
    """Re-creatable data: artwork, fetched chapters and transcripts."""
    logs: Path
    downloads: Path
    """Default folder for downloaded episodes (the listener may choose another in settings)."""
    models: Path
    """Installed recommender models (one self-describing folder each)."""

    @property
    def database(self) -> Path:
        return self.data / "library.sqlite3"

    @property
    def artwork_cache(self) -> Path:
        return self.cache / "artwork"

    @property
    def documents_cache(self) -> Path:
        """Fetched ``podcast:chapters`` and ``podcast:transcript`` documents."""
        return self.cache / "documents"

    @property
    def log_file(self) -> Path:
        return self.logs / "castwise.log"

    def ensure(self) -> Paths:
        """Create every folder (and nothing else); returns ``self`` for chaining."""
        for folder in (self.data, self.config, self.cache, self.logs, self.downloads, self.models):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve_paths(home: str | os.PathLike[str] | None = None) -> Paths:
    """Return Castwise's paths: under ``home`` or ``$CASTWISE_HOME`` when given, else per platform."""
    root = home if home is not None else os.environ.get(HOME_ENV)
    if root:
        base = Path(root).expanduser().resolve()
        return Paths(
            data=base / "data",
            config=base / "config",
            cache=base / "cache",
            logs=base / "logs",
            downloads=base / "downloads",
            models=base / "models",
        )
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return Paths(
        data=Path(dirs.user_data_dir),
        config=Path(dirs.user_config_dir),
        cache=Path(dirs.user_cache_dir),
        logs=Path(dirs.user_log_dir),
        downloads=Path(platformdirs.user_music_dir()) / APP_NAME,
        models=Path(dirs.user_data_dir) / "models",
    )
