"""The listener's data: database, feeds, OPML, downloads, search and listening events. Pure Python."""
