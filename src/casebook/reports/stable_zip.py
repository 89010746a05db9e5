"""Make an Office file's zip container repeatable: fixed entry times, same order, same bytes.

Word and Excel files are zip archives whose entries carry the time they were written;
re-packing them with a fixed time makes a re-run recipe give a byte-identical file.
"""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def stable_zip(data: bytes) -> bytes:
    """``data`` (a zip archive) re-packed with every entry dated ``FIXED_TIME``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(entry.filename))
    return out.getvalue()
