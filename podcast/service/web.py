"""The service's routes: the API under ``/api/`` (a token or a CMS's signature on every call,
but for the players' beacons, ``POST /api/listen``), ``/healthz``, ``/readyz``, ``/metrics``,
``/oembed``, and the published site, public and read-only, served as ``serve`` serves it
(:func:`podcast.publish.serve.answer`: ranges, validators, types, CORS), each request a line
of the access log ``stats`` reads."""

from __future__ import annotations

import logging
from typing import Any

from podcast.app.service import Conflict, Edition, NotFound
from podcast.core.errors import ArticleError
from podcast.read.model import MAX_ARTICLE_BYTES
from podcast.service.auth import allowed

_LOGGER = logging.getLogger(__name__)

#: The most episodes one page of ``GET /api/episodes`` lists.
MAX_PER_PAGE = 100


def make_app(edition: Edition, access_log: Any = None) -> Any:
    """The ASGI application for ``edition``; the site's requests (and the endpoint's) each a
    line in ``access_log`` (a :class:`~podcast.publish.accesslog.AccessLog`) if given."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    from podcast.service.public import public_routes

    settings = edition.settings
    service = settings.service
    beacons, oembed, site = public_routes(edition, access_log)

    def refused(status: int) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
        return PlainTextResponse(f"{status}\n", status_code=status, headers=headers)

    def error(status: int, message: str) -> Response:
        return JSONResponse({"error": message}, status_code=status)

    async def read_body(request: Request) -> bytes | None:
        """The body, or None past the size limit of an article (nothing more is read)."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_ARTICLE_BYTES:
            return None
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_ARTICLE_BYTES:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    def accepted(job: Any, replaced: bool = False) -> Response:
        shown = {**job.to_dict(), "replaced": replaced}
        return JSONResponse(shown, status_code=202, headers={"Location": f"/api/jobs/{job.id}"})

    async def articles(request: Request) -> Response:
        body = await read_body(request)
        if body is None:
            return refused(413)
        if not allowed(request.headers, body, service.tokens, service.ghost_secret,
                       service.wordpress_secret):  # fmt: skip
            return refused(401)
        try:
            job, replaced = edition.accept(body)
        except ArticleError as problem:
            return error(400, str(problem))
        return accepted(job, replaced)

    def guarded(handler: Any) -> Any:
        async def route(request: Request) -> Response:
            if not allowed(request.headers, b"", service.tokens):
                return refused(401)
            try:
                reply: Response = await handler(request)
                return reply
            except NotFound as problem:
                return error(404, str(problem))
            except Conflict as problem:
                return error(409, str(problem))

        return route

    async def job(request: Request) -> Response:
        return JSONResponse(edition.job(request.path_params["id"]))

    async def episodes(request: Request) -> Response:
        try:
            page = max(1, int(request.query_params.get("page", "1")))
            per_page = min(MAX_PER_PAGE, max(1, int(request.query_params.get("per_page", "20"))))
        except ValueError:
            return error(400, "page and per_page must be whole numbers")
        return JSONResponse(edition.episodes(page, per_page))

    async def episode(request: Request) -> Response:
        guid = request.path_params["guid"]
        if request.method == "DELETE":
            return accepted(edition.delete(guid))
        return JSONResponse(edition.episode(guid))

    async def rebuild(request: Request) -> Response:
        return accepted(edition.rebuild(request.path_params["guid"]))

    async def feeds(request: Request) -> Response:
        return JSONResponse({"feeds": edition.feeds()})

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok\n")

    async def readyz(request: Request) -> Response:
        ready = edition.ready
        return PlainTextResponse("ready\n" if ready else "not ready\n", 200 if ready else 503)

    async def metrics(request: Request) -> Response:
        from podcast.service.metrics import exposition

        page, kind = exposition(edition)
        return Response(page, media_type=kind)

    routes = [
        Route("/api/articles", articles, methods=["POST"]),
        beacons,
        oembed,
        Route("/api/jobs/{id:int}", guarded(job), methods=["GET"]),
        Route("/api/episodes", guarded(episodes), methods=["GET"]),
        Route("/api/episodes/{guid}", guarded(episode), methods=["GET", "DELETE"]),
        Route("/api/episodes/{guid}/rebuild", guarded(rebuild), methods=["POST"]),
        Route("/api/feeds", guarded(feeds), methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/api/{rest:path}", guarded(_nothing(error)), methods=["GET", "POST", "DELETE"]),
        site,
    ]
    return Starlette(routes=routes)


def _nothing(error: Any) -> Any:
    async def handler(request: Any) -> Any:
        return error(404, "no such API route")

    return handler
