"""Serve a stored file with HTTP range support, so the browser's audio player can seek.

Django's FileResponse sends whole files only; the PyPI packages that add ranges
(django-ranged-response, 2017) are unmaintained, and one byte range is all players ask for.
"""

import re
from collections.abc import Iterator

from django.core.files import File
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK_BYTES = 256 * 1024


def _chunks(handle: File, start: int, length: int) -> Iterator[bytes]:
    handle.seek(start)
    try:
        while length > 0:
            chunk = handle.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


def ranged_file_response(
    request: HttpRequest, handle: File, *, size: int, content_type: str
) -> HttpResponse:
    """200 with the whole file, or 206 with the one byte range the request asks for."""
    match = RANGE_RE.match(request.headers.get("Range", "").strip())
    if not match or not any(match.groups()):
        response = FileResponse(handle, content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    else:  # "bytes=-N": the last N bytes
        start, end = max(0, size - int(last)), size - 1
    if start > end or start >= size:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    length = end - start + 1
    response = StreamingHttpResponse(
        _chunks(handle, start, length), status=206, content_type=content_type
    )
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    return response
