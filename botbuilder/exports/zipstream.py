"""A zip archive written as a stream of bytes chunks (never the whole archive in memory).

The stdlib `zipfile` writes to a non-seekable sink using data descriptors; the sink here
hands each written piece back to the generator, which yields it at once.
"""

import time
import zipfile
from collections.abc import Iterable, Iterator


class _Sink:
    """A write-only file: collects what zipfile writes until the generator takes it."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_stream(
    members: Iterable[tuple[str, Iterable[bytes]]],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Iterator[bytes]:
    """Zip `(name, chunks)` members lazily, yielding the archive's bytes as they are made."""
    sink = _Sink()
    date_time = time.localtime()[:6]
    with zipfile.ZipFile(
        sink, mode="w", compression=compression, allowZip64=True
    ) as archive:
        for name, chunks in members:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            with archive.open(info, mode="w", force_zip64=False) as member:
                for chunk in chunks:
                    member.write(chunk)
                    data = sink.take()
                    if data:
                        yield data
            data = sink.take()
            if data:
                yield data
    data = sink.take()
    if data:
        yield data
