"""The service's front end: HTTP (Starlette under uvicorn) over the use cases of
:mod:`podcast.app.service`. It parses requests, checks who sends them, calls a use case and
answers; like the command line, it holds no logic of its own. Needs ``audio-edition[service]``."""
