"""Flow precision found while reading false alarms on the fixed releases of the real-CVE
corpus (``bench_security.py --corpus benchmarks/security_corpus.toml``), written here as
small general cases: a store under one property of an object (``q.yaml = v``) taints the
object as a whole, not a read of another property (``q.root``)."""

from __future__ import annotations

import textwrap

from devlab.reverse.security import scan_source


def traced_cmdi(src: str) -> dict[int, str]:
    """Line -> origin message of each command-injection finding from a traced source."""
    found = scan_source("app.js", textwrap.dedent(src))
    return {
        f.start_line: f.message
        for f in found
        if f.cwe == "CWE-78" and f.confidence != "low" and f.severity != "info"
    }


def test_a_store_under_one_property_does_not_taint_a_read_of_another() -> None:
    src = """\
        const cp = require('child_process');
        function upload(req) {
          var query = {};
          query.yaml = process.env.CODECOV_YML || 'codecov.yml';
          var root = query.root || '.';
          cp.execSync('find ' + root);
          cp.execSync('cat ' + query.yaml);
          cp.execSync(query);
          cp.execSync(query['yaml']);
          var o = {};
          o.a = {};
          o.a.b = req.query.x;
          cp.exec('ls ' + o.a.b);
          cp.exec('ls ' + o.a.c);
          cp.exec('ls ' + o.z);
          var p = {};
          p.x = req.query.y;
          p = req.body;
          cp.exec('ls ' + p.q);
          var w = {};
          w.x = req.query.w;
          if (req.query.k) { w = req.query.v; }
          cp.exec('ls ' + w.other);
        }
        """
    lines = traced_cmdi(src)
    # the old engine also reported line 6 (query.root, never set) as reached by process.env
    assert sorted(lines) == [7, 8, 9, 13, 19, 23], lines
    assert "process.env" in lines[7] and "req.body" in lines[19] and "req.query" in lines[23]
