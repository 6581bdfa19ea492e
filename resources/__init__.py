"""Bundled resources: icons, themes, translations, demo content and model descriptors."""
