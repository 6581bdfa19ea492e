"""Feeds: fetching over HTTP and parsing into :class:`~library.feeds.model.ParsedFeed`.

The public API (import from the submodules; this package imports nothing so that importing it
stays cheap):

* :func:`library.feeds.parse.parse_feed` - bytes to ``ParsedFeed`` (fast path for RSS 2.0,
  feedparser for the rest), raising :class:`~library.errors.FeedParseError` for unusable input.
* :func:`library.feeds.fetch.fetch_feed` / :func:`library.feeds.fetch.fetch_many` - conditional
  GET with a total deadline and a size cap, answering a
  :class:`~library.feeds.fetch.FetchResult` (updated / not modified / moved / failed).
* :func:`library.feeds.fetch.fetch_document` - a chapters or transcript document, same limits.
* :func:`library.redact.redact_url` - a URL safe to log (no credentials, no query values).
"""
