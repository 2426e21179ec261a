"""``python -m podcast``: the same as the ``audio-edition`` command."""

from .cli import main

main()
