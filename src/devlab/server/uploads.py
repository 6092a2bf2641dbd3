"""ZIP uploads for the REST doors that ingest (projects, reverse/analyze)."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import Request

from devlab.codebase.ingest import project_name_from
from devlab.codebase.models import IngestRequest
from devlab.errors import InvalidInput
from devlab.workbench import Workbench


async def save_zip_upload(
    request: Request, bench: Workbench, *, name_required: bool = True
) -> tuple[IngestRequest, str, dict[str, str]]:
    """Read a multipart form with a ZIP ``file`` (and ``name``), streaming it to disk
    under the upload cap. Returns the ingest request (its source is the saved file, which
    the caller deletes when done), a label naming the upload, and the form's other text
    fields. Without ``name_required`` the project is named after the file."""
    form = await request.form()
    upload, name = form.get("file"), form.get("name")
    if upload is None or isinstance(upload, str):
        raise InvalidInput("multipart upload needs a 'file' field with a .zip archive")
    filename = upload.filename or "archive.zip"
    if not isinstance(name, str) or not name:
        if name_required:
            raise InvalidInput("multipart upload needs a 'name' field with the project name")
        name = project_name_from(filename, "upload")
    uploads = bench.settings.home / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    target = uploads / f"{uuid.uuid4()}.zip"
    written, cap = 0, bench.settings.max_upload_bytes
    try:
        with open(target, "wb") as out:
            while chunk := await upload.read(1 << 20):
                written += len(chunk)
                if written > cap:
                    raise InvalidInput(f"upload larger than the {cap} byte cap (max_upload_bytes)")
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k not in ("name", "file")}
    return IngestRequest(name=name, source=str(target), ref=None), f"upload:{filename}", fields


def discard(path: str | None) -> None:
    """Delete a saved upload (when queuing its job failed)."""
    if path:
        Path(path).unlink(missing_ok=True)
