"""``python -m podcast``: the same as the ``audio-edition`` command."""

from .launch import main

main()
