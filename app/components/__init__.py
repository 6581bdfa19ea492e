"""Composite widgets built from app.widgets: they know the shape of Castwise data, not services."""
