"""Licence detection from licence texts, SPDX headers and directory licence files."""

from __future__ import annotations

from pathlib import Path

import pytest

from devlab.codebase.licenses import (
    detect_license_text,
    find_project_licenses,
    license_for,
    spdx_header,
)

MIT = """MIT License

Copyright (c) 2024 Example Corp

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

APACHE = """
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION

   1. Definitions.

      "License" shall mean the terms and conditions for use, reproduction,
      and distribution as defined by Sections 1 through 9 of this document.
"""

BSD_TERMS = """Copyright (c) 2020, The Authors
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.
"""
BSD3 = (
    BSD_TERMS
    + """
3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
"""
)
BSD2 = BSD_TERMS + '\nTHIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"\n'

GPL3 = """                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

 Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>
 Everyone is permitted to copy and distribute verbatim copies
 of this license document, but changing it is not allowed.

  The GNU General Public License is a free, copyleft license for
software and other kinds of works.
  [...]
  13. Use with the GNU Affero General Public License.
  [...] use the GNU Lesser General Public License instead of this License.
"""
GPL2 = """                    GNU GENERAL PUBLIC LICENSE
                       Version 2, June 1991

 Copyright (C) 1989, 1991 Free Software Foundation, Inc.,
 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA
  [...] you may consider it more useful to permit linking proprietary applications
with the library.  If this is what you want to do, use the GNU Library General
Public License instead of this License.
"""
LGPL21 = """                  GNU LESSER GENERAL PUBLIC LICENSE
                       Version 2.1, February 1999
"""
LGPL3 = """                   GNU LESSER GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

  This version of the GNU Lesser General Public License incorporates
the terms and conditions of version 3 of the GNU General Public
License, supplemented by the additional permissions listed below.
"""
AGPL3 = """                    GNU AFFERO GENERAL PUBLIC LICENSE
                       Version 3, 19 November 2007
"""
GPL_NOTICE = """This program is free software: you can redistribute it and/or modify
it under the terms of the GNU General Public License as published by
the Free Software Foundation, either version 3 of the License, or
(at your option) any later version.
"""
MPL2 = """Mozilla Public License Version 2.0
==================================

1. Definitions
--------------
1.12. "Secondary License"
    means either the GNU General Public License, Version 2.0, the GNU
    Lesser General Public License, Version 2.1, the GNU Affero General
    Public License, Version 3.0, or any later versions of those licenses.
"""
ISC = """ISC License

Copyright (c) 2004-2010 by Internet Systems Consortium, Inc. ("ISC")

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.
"""
UNLICENSE = """This is free and unencumbered software released into the public domain.

Anyone is free to copy, modify, publish, use, compile, sell, or
distribute this software, either in source code form or as a compiled
binary, for any purpose, commercial or non-commercial, and by any
means.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MIT, "MIT"),
        (APACHE, "Apache-2.0"),
        (BSD3, "BSD-3-Clause"),
        (BSD2, "BSD-2-Clause"),
        (GPL3, "GPL-3.0"),
        (GPL2, "GPL-2.0"),
        (LGPL21, "LGPL-2.1"),
        (LGPL3, "LGPL-3.0"),
        (AGPL3, "AGPL-3.0"),
        (GPL_NOTICE, "GPL-3.0"),
        (MPL2, "MPL-2.0"),
        (ISC, "ISC"),
        (UNLICENSE, "Unlicense"),
        ("# MIT License\n\n" + MIT.split("\n", 2)[2].replace("\n", " "), "MIT"),
        ("All rights reserved. Do not copy.", None),
        ("", None),
    ],
)
def test_detect_license_text(text: str, expected: str | None) -> None:
    assert detect_license_text(text) == expected


def test_debian_common_licenses_when_present() -> None:
    """Full official texts, where the system ships them."""
    base = Path("/usr/share/common-licenses")
    expected = {
        "Apache-2.0": "Apache-2.0",
        "GPL-2": "GPL-2.0",
        "GPL-3": "GPL-3.0",
        "LGPL-2.1": "LGPL-2.1",
        "LGPL-3": "LGPL-3.0",
        "MPL-2.0": "MPL-2.0",
    }
    present = {name: spdx for name, spdx in expected.items() if (base / name).is_file()}
    if not present:
        pytest.skip("no /usr/share/common-licenses on this system")
    for name, spdx in present.items():
        assert detect_license_text((base / name).read_text(errors="replace")) == spdx, name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# SPDX-License-Identifier: MIT\nimport os\n", "MIT"),
        ("/* SPDX-License-Identifier: Apache-2.0 */\nint x;\n", "Apache-2.0"),
        ("// SPDX-License-Identifier: GPL-2.0-only OR MIT\n", "GPL-2.0-only OR MIT"),
        ("<!-- SPDX-License-Identifier: BSD-3-Clause -->\n", "BSD-3-Clause"),
        ("#!/usr/bin/env python\n# SPDX-License-Identifier:   MPL-2.0  \n", "MPL-2.0"),
        ("\n" * 25 + "# SPDX-License-Identifier: MIT\n", None),
        ("import os\n", None),
    ],
)
def test_spdx_header(text: str, expected: str | None) -> None:
    assert spdx_header(text) == expected


def test_find_project_licenses_maps_directories(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text(APACHE)
    (tmp_path / "libs" / "legacy").mkdir(parents=True)
    (tmp_path / "libs" / "legacy" / "COPYING").write_text(GPL2)
    (tmp_path / "node_modules" / "left-pad").mkdir(parents=True)
    (tmp_path / "node_modules" / "left-pad" / "LICENSE").write_text(MIT)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "LICENSE-MIT").write_text(MIT)
    (tmp_path / "tools" / "LICENSE-APACHE").write_text(APACHE)
    (tmp_path / "lgpl").mkdir()
    (tmp_path / "lgpl" / "COPYING").write_text(GPL3)
    (tmp_path / "lgpl" / "COPYING.LESSER").write_text(LGPL3)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "LICENCE.md").write_text("Proprietary. All rights reserved.")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "LICENSE").write_text(MIT)
    assert find_project_licenses(tmp_path) == {
        "": "Apache-2.0",
        "libs/legacy": "GPL-2.0",
        "tools": "Apache-2.0 OR MIT",
        "lgpl": "LGPL-3.0",
    }


def test_find_project_licenses_does_not_follow_links(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "LICENSE").write_text(MIT)
    project = tmp_path / "project"
    project.mkdir()
    (project / "LICENSE").symlink_to(outside / "LICENSE")
    (project / "linked").symlink_to(outside, target_is_directory=True)
    assert find_project_licenses(project) == {}


def test_license_for_prefers_header_then_nearest_directory() -> None:
    dirs = {"": "Apache-2.0", "vendor/lib": "GPL-2.0"}
    assert license_for("src/app.py", None, dirs) == "Apache-2.0"
    assert license_for("vendor/lib/x/y.c", None, dirs) == "GPL-2.0"
    assert license_for("vendor/other.c", None, dirs) == "Apache-2.0"
    assert license_for("vendor/lib/x/y.c", "MIT", dirs) == "MIT"
    assert license_for("top.py", None, {}) is None
    assert license_for("vendor/lib2/z.c", None, {"vendor/lib": "GPL-2.0"}) is None
