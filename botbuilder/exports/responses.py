"""Streaming HTTP responses that stay streamed under both WSGI and ASGI."""

from collections.abc import AsyncIterator, Iterable, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse

_END = object()


async def _async_chunks(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    """Pull `chunks` one by one in the sync thread (the ORM lives there), yield them async.

    Thread-sensitive: under Django's ASGI handler that is the request's own sync thread,
    where `request_finished` closes the database connection once the response ends; any
    other thread's connection would stay open.
    """
    iterator: Iterator[bytes] = iter(chunks)
    pull = sync_to_async(next, thread_sensitive=True)
    while True:
        chunk = await pull(iterator, _END)
        if chunk is _END:
            return
        yield chunk


def streaming_download(
    request: HttpRequest, chunks: Iterable[bytes], *, content_type: str, filename: str
) -> StreamingHttpResponse:
    """An attachment streamed chunk by chunk.

    Django buffers a sync iterator whole when it serves ASGI (and an async one under WSGI),
    so the iterator kind follows the request's handler.
    """
    content = (
        _async_chunks(chunks) if isinstance(request, ASGIRequest) else iter(chunks)
    )
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
