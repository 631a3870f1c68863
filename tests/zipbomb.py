"""Zip bombs for the tests: a deflated part that inflates to gigabytes of spaces, built in a fraction of a second.

zipfile deflates every byte it is given: a 6 GB part took a minute of zlib on a busy 2-core machine. Here each
write ends at a full flush, which resets the compressor, so the same block of spaces always deflates to the same
bytes: the block is deflated once and its bytes repeated. The part is a valid deflate stream that inflates to
exactly what was written (its size and CRC are zipfile's own).
"""

from __future__ import annotations

import zipfile
import zlib


class RepeatDeflate:
    """zipfile's compressor for a bomb's part (compress/flush, as zlib's compressobj)."""

    def __init__(self):
        self._zlib = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self._last: tuple[bytes, bytes] | None = None

    def compress(self, data: bytes) -> bytes:
        if self._last is not None and (data is self._last[0] or data == self._last[0]):
            return self._last[1]
        out = self._zlib.compress(data) + self._zlib.flush(zlib.Z_FULL_FLUSH)
        self._last = (data, out)
        return out

    def flush(self, mode: int = zlib.Z_FINISH) -> bytes:
        return self._zlib.flush(mode)


def bomb_part(archive: zipfile.ZipFile, name: str):
    """A deflated, zip64 part of ``archive`` open for writing (``with bomb_part(z, name) as fh: fh.write(...)``)."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED  # a bomb: small on disk, gigabytes once inflated
    handle = archive.open(info, "w", force_zip64=True)
    if getattr(handle, "_compressor", None) is not None:  # zipfile's deflate, replaced (else: slow, same bytes out)
        handle._compressor = RepeatDeflate()
    return handle
