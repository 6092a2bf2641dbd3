"""A check in one ``.then()`` callback guards the later callbacks of the same promise
chain (they run only if it did not throw), not the earlier ones, not another chain and
not the code after the chain's statement (which runs before any callback)."""

from __future__ import annotations

from devlab.reverse.security import scan_source

HEAD = "const express = require('express');\nconst fs = require('fs');\nconst app = express();\n"


def path_lines(body: str) -> list[int]:
    code = HEAD + "app.get('/a', (req, res) => {\n  const p = req.query.p;\n" + body + "});\n"
    found = scan_source("app.js", code)
    return sorted(f.start_line for f in found if f.cwe == "CWE-22" and f.severity == "high")


def test_a_check_in_an_earlier_link_guards_the_later_links() -> None:
    body = """\
  load()
    .then(() => { if (!p.startsWith('/srv/')) throw new Error('outside'); })
    .then(() => fs.readFile(p, done))
    .finally(() => fs.readFile(p, done));
"""
    assert path_lines(body) == []


def test_it_does_not_guard_earlier_links_other_chains_or_code_after_the_chain() -> None:
    body = """\
  load()
    .then(() => fs.readFile(p, done))
    .then(() => { if (!p.startsWith('/srv/')) throw new Error('outside'); });
  other().then(() => fs.readFile(p, done));
  fs.readFile(p, done);
"""
    assert path_lines(body) == [7, 9, 10]


def test_a_checked_real_path_of_the_directory_confines_the_path() -> None:
    """decompress 4.2.1's fix: the real path of the destination's directory, checked in an
    inner chain the link returns, guards the write in the next link."""
    body = """\
  const dest = require('path').join('/srv/out', p);
  load()
    .then(base => {
      return fs.promises.realpath(require('path').dirname(dest)).then(real => {
        if (real.indexOf(base) !== 0) throw new Error('outside');
      });
    })
    .then(() => fs.promises.writeFile(dest, 'x'));
  load()
    .then(base => fs.promises.realpath(dest).then(real => real.length))
    .then(() => fs.promises.writeFile(dest, 'x'));
"""
    assert path_lines(body) == [16]
