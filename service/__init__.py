"""The Castwise web service (FastAPI). Imports none of the desktop packages."""
