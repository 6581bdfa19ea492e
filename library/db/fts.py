"""Text preparation for the full-text index (SQLite FTS5), shared by indexing and querying.

FTS5's ``unicode61`` tokenizer splits on spaces and punctuation, which suits most scripts but not
Chinese and Japanese, where words are not separated: ``中国历史`` would be one token, so a search for
``历史`` finds nothing (the ``trigram`` tokenizer cannot match two characters either). Castwise
therefore rewrites every run of CJK characters before it reaches FTS5, the way Lucene's CJK
analyzer does: the run becomes its overlapping bigrams followed by its single characters, each a
token of its own. A query is rewritten the same way (bigrams only, as one phrase), so ``历史``
matches every text containing it and ``中国历史`` must find the three bigrams in a row.

The indexing rewrite is registered on every connection as the SQL function
:data:`SQL_FUNCTION` (the FTS triggers call it). It must stay deterministic: a contentless FTS5
table deletes a row by re-tokenizing the values it indexed.
"""

from __future__ import annotations

import html
import re
import unicodedata

SQL_FUNCTION = "castwise_fts_text"
"""Name of the SQL function (one text argument) that prepares a column for the index."""

# Han (with extensions and compatibility ideographs), kana, Hangul syllables: scripts written
# without spaces between words (Korean has spaces but glues particles on, so bigrams help too).
_CJK_CHARS = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u31f0-\u31ff"  # katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
_CJK_RUN = re.compile(f"[{_CJK_CHARS}]+")
_TAG = re.compile(r"<[^>]*>")
# Stored descriptions are sanitized HTML; tags and entities must not become search terms.
_HTML_HINT = re.compile(r"[<&]")


def _plain(text: str) -> str:
    if _HTML_HINT.search(text):
        text = html.unescape(_TAG.sub(" ", text))
    # NFKC folds full-width Latin and digits (common in CJK titles) into their ASCII forms.
    return unicodedata.normalize("NFKC", text)


def _index_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if len(run) == 1:
        return f" {run} "
    bigrams = " ".join(run[i : i + 2] for i in range(len(run) - 1))
    return f" {bigrams} {' '.join(run)} "


def index_text(value: str | None) -> str:
    """The form of ``value`` that goes into the FTS index: plain text, CJK runs as bigrams + chars."""
    if not value:
        return ""
    return _CJK_RUN.sub(_index_run, _plain(value))


def _query_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if len(run) == 1:
        return f" {run} "
    return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "


def query_phrases(query: str) -> list[str]:
    """Split a listener's query into FTS5 phrases (already quoted), one per whitespace-separated word.

    Every phrase is a quoted FTS5 string, so the listener's quotes, ``*``, ``-``, ``AND`` or ``:``
    are never FTS5 syntax. A word containing CJK becomes its bigram phrase. Empty when nothing
    searchable remains.
    """
    phrases: list[str] = []
    for word in _plain(query).split():
        tokens = _CJK_RUN.sub(_query_run, word).split()
        # Keep only tokens with a letter or digit: unicode61 drops punctuation, and a phrase of
        # punctuation alone would match nothing (or raise a syntax error in FTS5).
        tokens = [token for token in tokens if any(ch.isalnum() for ch in token)]
        if tokens:
            phrases.append('"' + " ".join(tokens).replace('"', '""') + '"')
    return phrases


def has_cjk(text: str) -> bool:
    return _CJK_RUN.search(text) is not None
