"""One entry for any schema file: OpenAPI (YAML/JSON, optionally a ZIP bundle) or DDL."""

from __future__ import annotations

import io
import zipfile

from devlab.apibuilder.crud import parse_ddl
from devlab.apibuilder.errors import SpecInvalid, SpecTooLarge
from devlab.apibuilder.loader import MAX_BYTES
from devlab.apibuilder.models import ParseReport
from devlab.apibuilder.openapi import parse_openapi

MAX_BUNDLE_FILES = 500
_SPEC_SUFFIXES = (".yaml", ".yml", ".json")


def _looks_like_ddl(name: str, text: str) -> bool:
    if name.lower().endswith(".sql"):
        return True
    head = text.lstrip()[:2000].upper()
    return (
        head.startswith(("CREATE ", "--", "/*", "SET ", "DROP ", "BEGIN"))
        and "OPENAPI" not in head
        and "SWAGGER" not in head
    )


def read_bundle(data: bytes) -> tuple[str, dict[str, str]]:
    """(main file, texts) of a ZIP of spec files; the main file is the one that says
    ``openapi:``/``swagger:`` at the top level, preferring the shortest path."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpecInvalid("the upload is not a valid ZIP archive") from None
    texts: dict[str, str] = {}
    total = 0
    with archive:
        entries = [i for i in archive.infolist() if not i.is_dir()]
        if len(entries) > MAX_BUNDLE_FILES:
            raise SpecTooLarge(
                f"the bundle has {len(entries)} files; the limit is {MAX_BUNDLE_FILES}",
                detail={"limit": "files", "maximum": MAX_BUNDLE_FILES},
            )
        for info in entries:
            name = info.filename
            if name.startswith("/") or ".." in name.split("/") or not name.endswith(_SPEC_SUFFIXES):
                continue
            total += info.file_size
            if total > MAX_BYTES:
                raise SpecTooLarge(
                    f"the bundle unpacks to more than {MAX_BYTES} bytes",
                    detail={"limit": "bytes", "maximum": MAX_BYTES},
                )
            texts[name] = archive.read(info).decode("utf-8", errors="replace")
    mains = sorted(
        (n for n, t in texts.items() if "openapi" in t[:4000] or "swagger" in t[:4000]),
        key=lambda n: (n.count("/"), len(n), n),
    )
    if not mains:
        raise SpecInvalid("no OpenAPI document (a file with 'openapi:' or 'swagger:') in the ZIP")
    return mains[0], texts


def parse_schema(
    data: bytes | str,
    filename: str = "openapi.yaml",
    *,
    dialect: str | None = None,
    strict: bool = True,
) -> ParseReport:
    """Parse an OpenAPI document, a ZIP bundle of one, or SQL DDL (by name or content)."""
    if isinstance(data, bytes) and data[:4] == b"PK\x03\x04":
        main, texts = read_bundle(data)
        return parse_openapi(texts[main], main, texts, strict=strict)
    if len(data) > MAX_BYTES:
        raise SpecTooLarge(
            f"{filename} is {len(data)} bytes; the limit is {MAX_BYTES}",
            detail={"limit": "bytes", "maximum": MAX_BYTES},
        )
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    if dialect or _looks_like_ddl(filename, text):
        return parse_ddl(text, dialect or "postgres")
    return parse_openapi(text, filename, strict=strict)


__all__ = ["parse_schema", "read_bundle"]
