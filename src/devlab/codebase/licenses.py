"""Which licence covers each file: SPDX headers and LICENSE/COPYING files.

Datasets built from a codebase must know the licence of every file they take
(a GPL file in a training set is a decision, not an accident). Two sources:

* an ``SPDX-License-Identifier: X`` comment near the top of a source file, which
  wins because it is the author's statement about that very file;
* otherwise the licence file (``LICENSE*``, ``LICENCE*``, ``COPYING*``) in the
  nearest enclosing directory, so a vendored sub-project with its own licence
  keeps it.

Licence texts are recognised by key phrases, not by full-text comparison: the
phrases below survive the usual edits (copyright lines, reflowed paragraphs,
markdown) and tell the common licences apart. Anything else is ``None``
("unknown"), never a guess.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from devlab.codebase.walk import BUILD_DIRS, VCS_DIRS, VENDORED_DIRS

# Directories whose files are never ingested (see walk.py): their licences do not
# matter, and node_modules alone can hold thousands of LICENSE files.
_SKIP_DIRS = VCS_DIRS | VENDORED_DIRS | BUILD_DIRS

# Read at most this much of a licence file: every phrase we look for is near the top.
_MAX_LICENSE_BYTES = 64 * 1024
_LICENSE_NAME = re.compile(r"^(?:LICEN[CS]E|COPYING|UNLICENSE)(?:[._-].*)?$", re.IGNORECASE)
_SPDX_HEADER = re.compile(r"SPDX-License-Identifier:\s*(.+)")
_HEADER_LINES = 20

# The GNU family is told apart by the first "GNU ... General Public License" that
# names a version: a licence text starts with its title ("GNU LESSER GENERAL PUBLIC
# LICENSE Version 3"), a notice says "... as published by the Free Software
# Foundation, either version 2 ...". Only the first counts because the GPL-3.0 text
# itself later mentions the Lesser and Affero licences.
_GNU = re.compile(
    r"gnu (affero |lesser |library )?general public license"
    r"(?:,? (?:version|v\.?) ?|"
    r" as published by the free software foundation[,;]? (?:either )?version )(\d(?:\.\d)?)"
)
_GNU_IDS = {
    ("affero", "3"): "AGPL-3.0",
    ("lesser", "2.1"): "LGPL-2.1",
    ("lesser", "3"): "LGPL-3.0",
    ("library", "2"): "LGPL-2.0",
    ("", "2"): "GPL-2.0",
    ("", "3"): "GPL-3.0",
}
# (SPDX id, phrases that must all occur), most specific first.
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Apache-2.0", ("apache license", "version 2.0")),
    (
        "BSD-3-Clause",
        ("redistribution and use in source and binary forms", "neither the name of"),
    ),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms", "may not be used")),
    ("BSD-2-Clause", ("redistribution and use in source and binary forms",)),
    ("MIT", ("permission is hereby granted, free of charge, to any person obtaining a copy",)),
    (
        "ISC",
        ("permission to use, copy, modify, and/or distribute this software for any purpose",),
    ),
    ("ISC", ("permission to use, copy, modify, and distribute this software for any purpose",)),
    ("Unlicense", ("this is free and unencumbered software released into the public domain",)),
)


def _normalise(text: str) -> str:
    """Lower-case, markdown and comment markers dropped, whitespace collapsed."""
    text = re.sub(r"[*#>`]|^\s*(?://|--|;)", " ", text.lower(), flags=re.MULTILINE)
    return " ".join(text.split())


def detect_license_text(text: str) -> str | None:
    """The SPDX id of a licence file's text ("MIT", "Apache-2.0", ...), or None.

    An SPDX identifier line inside the file (some projects ship a one-line
    LICENSE) is honoured first.
    """
    header = spdx_header(text)
    if header:
        return header
    norm = _normalise(text[:_MAX_LICENSE_BYTES])
    # The MPL-2.0 text names the GPL ("Secondary License"); no GNU text names the MPL.
    if "mozilla public license" in norm and "2.0" in norm:
        return "MPL-2.0"
    gnu = _GNU.search(norm)
    if gnu:
        variant = (gnu.group(1) or "").strip()
        version = gnu.group(2).removesuffix(".0")
        if (variant, version) in _GNU_IDS:
            return _GNU_IDS[(variant, version)]
    for spdx_id, phrases in _RULES:
        if all(phrase in norm for phrase in phrases):
            return spdx_id
    return None


def spdx_header(text: str) -> str | None:
    """The ``SPDX-License-Identifier`` expression in the first 20 lines, or None.

    Comment closers after the expression (``*/``, ``-->``) are dropped; an
    expression such as ``MIT OR Apache-2.0`` is returned as written.
    """
    for line in text.split("\n", _HEADER_LINES)[:_HEADER_LINES]:
        match = _SPDX_HEADER.search(line)
        if match:
            expr = re.split(r"\*/|-->|\s#|\"\"\"|'''", match.group(1))[0]
            expr = expr.strip().strip("\"'").strip()
            return expr or None
    return None


def _combine(ids: list[str]) -> str:
    """One expression for a directory with several licence files.

    ``COPYING`` (GPL) + ``COPYING.LESSER`` (LGPL) is the usual way to ship the
    LGPL, so the LGPL wins over a GPL of the same version; other combinations
    (``LICENSE-MIT`` + ``LICENSE-APACHE``) are dual licences, joined with OR.
    """
    unique = sorted(set(ids))
    lesser = {i.replace("LGPL", "GPL") for i in unique if i.startswith("LGPL")}
    unique = [i for i in unique if i not in lesser]
    return " OR ".join(unique)


def find_project_licenses(root: Path) -> dict[str, str]:
    """Map each directory (relative, "/" separated, "" for ``root``) that holds a
    recognised licence file to its SPDX id. Version-control, vendored and build
    directories are skipped (the walker never ingests them) and symlinks are not
    followed, so nothing outside ``root`` is read."""
    root = Path(root)
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        ids: list[str] = []
        for name in sorted(filenames):
            if not _LICENSE_NAME.match(name):
                continue
            path = Path(dirpath, name)
            if path.is_symlink() or not path.is_file():
                continue
            try:
                with path.open("rb") as handle:
                    text = handle.read(_MAX_LICENSE_BYTES).decode("utf-8", errors="replace")
            except OSError:
                continue
            spdx_id = detect_license_text(text)
            if spdx_id:
                ids.append(spdx_id)
        if ids:
            rel = Path(dirpath).relative_to(root).as_posix()
            found["" if rel == "." else rel] = _combine(ids)
    return found


def license_for(path: str, header_spdx: str | None, dir_licenses: dict[str, str]) -> str | None:
    """The licence of the file at repository-relative ``path``.

    The file's own SPDX header wins; otherwise the licence of the nearest
    directory above it that has one (``dir_licenses`` from
    :func:`find_project_licenses`); None when neither says.
    """
    if header_spdx:
        return header_spdx
    parent = PurePosixPath(path).parent
    while True:
        key = "" if str(parent) in (".", "") else str(parent)
        if key in dir_licenses:
            return dir_licenses[key]
        if not key:
            return None
        parent = parent.parent


__all__ = ["detect_license_text", "find_project_licenses", "license_for", "spdx_header"]
