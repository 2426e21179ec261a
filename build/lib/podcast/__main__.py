"""``python -m podcast``: the same as the ``audio-edition`` command."""

from podcast.launch import main

main()
