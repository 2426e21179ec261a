"""Sound: join speech segments with pauses and an intro, master loudness, encode MP3, tag it.

This package imports neither ``podcast`` nor ``click``; ffmpeg comes from
``imageio-ffmpeg`` (see :mod:`audio.ffmpeg`), decided before pydub is imported.
"""
