"""The service's public routes, which need no token: the site itself (as ``serve`` serves it:
ranges, validators, types, CORS, ``OPTIONS``), the oEmbed endpoint, and the players' beacons;
each request of the first two a line of the access log ``stats`` reads."""

from __future__ import annotations

from typing import Any

from podcast.app.service import Edition, NotFound
from podcast.core.errors import ArticleError

#: The most a beacon's body may be.
MAX_BEACON_BYTES = 1024


def public_routes(edition: Edition, access_log: Any = None) -> tuple[Any, Any, Any]:
    """The routes ``POST /api/listen``, ``/oembed`` and the site (``/{path}``, last)."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
    from starlette.routing import Route

    from podcast.publish.oembed import answer_oembed
    from podcast.publish.serve import CORS, Answer, answer, log_answer, preflight, read_chunks

    root = edition.settings.site.resolve()
    beacons_on = edition.settings.service.beacons

    def logged(request: Request, reply: Answer, sent: int) -> None:
        client = request.client.host if request.client else "-"
        log_answer(access_log, client, request.method, request.url.path, request.headers,
                   reply, sent)  # fmt: skip

    def send(request: Request, reply: Answer) -> Response:
        if request.method in ("HEAD", "OPTIONS") or reply.path is None:
            body = reply.body if request.method == "GET" else b""
            logged(request, reply, len(body))
            return Response(body, status_code=reply.status, headers=reply.headers)
        path = reply.path

        def chunks() -> Any:
            sent = 0
            try:
                for chunk in read_chunks(path, reply.first, reply.length):
                    sent += len(chunk)
                    yield chunk
            finally:  # a listener who stops mid-file has the bytes they had
                logged(request, reply, sent)

        return StreamingResponse(chunks(), status_code=reply.status, headers=reply.headers)

    async def site(request: Request) -> Response:
        if request.method == "OPTIONS":
            return send(request, preflight())
        return send(request, answer(root, request.url.path, request.headers))

    async def oembed(request: Request) -> Response:
        if request.method == "OPTIONS":
            return send(request, preflight())
        found = answer_oembed(root, dict(request.query_params))
        headers = {**CORS, "Content-Type": found.content_type}
        return send(request, Answer(found.status, headers, body=found.body))

    async def listen(request: Request) -> Response:
        if not beacons_on:
            return JSONResponse({"error": "beacons are off (service.beacons)"}, status_code=404)
        body = await request.body()
        if len(body) > MAX_BEACON_BYTES:
            return PlainTextResponse("413\n", status_code=413)
        try:
            edition.listen(body)
        except ArticleError as problem:
            return JSONResponse({"error": str(problem)}, status_code=400)
        except NotFound as problem:
            return JSONResponse({"error": str(problem)}, status_code=404)
        return Response(status_code=204)

    return (
        Route("/api/listen", listen, methods=["POST"]),
        Route("/oembed", oembed, methods=["GET", "HEAD", "OPTIONS"]),
        Route("/{path:path}", site, methods=["GET", "HEAD", "OPTIONS"]),
    )
