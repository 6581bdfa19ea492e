"""Playback: the engine interface, the VLC and null engines, queue, sleep timer and chapters.

Pure Python; knows nothing of Qt or the library. Positions are in milliseconds.
"""
