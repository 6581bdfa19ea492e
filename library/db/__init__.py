"""The listener's library database: models, opening (with migrations) and lookups.

    from library.db import open_library
    with open_library() as library, library.session() as session:
        ...
"""

from __future__ import annotations

from library.db.engine import HEAD_REVISION, Library, LibraryDatabaseError, open_library

__all__ = ["HEAD_REVISION", "Library", "LibraryDatabaseError", "open_library"]
