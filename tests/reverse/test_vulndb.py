"""The offline OSV database: imports (file, array, directory, zip), refusal of non-OSV
files keeping the old database, and verdicts on real-looking advisories."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.reverse.dependencies import Dependency
from devlab.reverse.vulndb import (
    check_dependencies,
    compare_versions,
    cvss3_base_score,
    db_path,
    dependency_findings,
    import_vulndb,
    vulndb_status,
)

JINJA2 = {
    "id": "PYSEC-2021-66",
    "modified": "2021-03-19T18:15:00Z",
    "aliases": ["CVE-2020-28493", "GHSA-g3rq-g295-4j3m"],
    "summary": "ReDoS in Jinja2's urlize filter",
    "affected": [
        {
            "package": {"name": "jinja2", "ecosystem": "PyPI", "purl": "pkg:pypi/jinja2"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.11.3"}]}],
            "versions": ["2.10", "2.11.2"],
        }
    ],
}
LODASH = {
    "id": "GHSA-35jh-r3h4-6jhm",
    "modified": "2023-01-09T05:03:15Z",
    "aliases": ["CVE-2021-23337"],
    "summary": "Command Injection in lodash",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [
        {
            "package": {"ecosystem": "npm", "name": "lodash"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}],
        }
    ],
    "database_specific": {"cwe_ids": ["CWE-77", "CWE-94"], "severity": "HIGH"},
}
XTEXT = {
    "id": "GO-2021-0113",
    "aliases": ["CVE-2021-38561", "GHSA-ppp9-7jff-5vj2"],
    "summary": "Out-of-bounds read in golang.org/x/text/language",
    "affected": [
        {
            "package": {"name": "golang.org/x/text", "ecosystem": "Go"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.3.7"}]}],
        }
    ],
}
LOG4J = {
    "id": "GHSA-jfh8-c2jp-5v3q",
    "aliases": ["CVE-2021-44228"],
    "summary": "Remote code injection in Log4j",
    "affected": [
        {
            "package": {"name": "org.apache.logging.log4j:log4j-core", "ecosystem": "Maven"},
            "ranges": [
                {"type": "ECOSYSTEM", "events": [{"introduced": "2.13.0"}, {"fixed": "2.15.0"}]}
            ],
        },
        {
            "package": {"name": "org.apache.logging.log4j:log4j-core", "ecosystem": "Maven"},
            "ranges": [
                {
                    "type": "ECOSYSTEM",
                    "events": [{"introduced": "2.0-beta9"}, {"last_affected": "2.12.1"}],
                }
            ],
        },
    ],
    "database_specific": {"severity": "CRITICAL", "cwe_ids": ["CWE-502", "CWE-917"]},
}


def dep(eco, name, version=None, spec=None, manifest="requirements.txt", line=3):
    return Dependency(
        ecosystem=eco, name=name, version=version, spec=spec, manifest=manifest, line=line
    )


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def loaded(sqlite_settings: Settings, tmp_path: Path) -> Settings:
    import_vulndb(
        sqlite_settings, write_json(tmp_path / "all.json", [JINJA2, LODASH, XTEXT, LOG4J])
    )
    return sqlite_settings


def status(settings, d):
    return check_dependencies(settings, [d])[0]


def test_no_database_means_unknown_never_safe(sqlite_settings: Settings) -> None:
    (v,) = check_dependencies(sqlite_settings, [dep("PyPI", "jinja2", "3.1.3")])
    assert v.status == "unknown" and "no vulnerability database" in v.reason


def test_verdicts_on_real_advisories(loaded: Settings) -> None:
    v = status(loaded, dep("PyPI", "jinja2", "2.11.2"))
    assert v.status == "vulnerable"
    (a,) = v.advisories
    assert a.id == "PYSEC-2021-66" and "CVE-2020-28493" in a.aliases and a.fixed == "2.11.3"
    assert status(loaded, dep("PyPI", "jinja2", "2.11.3")).status == "not affected"
    assert status(loaded, dep("PyPI", "jinja2", "3.1.3")).status == "not affected"

    lodash = status(loaded, dep("npm", "lodash", "4.17.20", manifest="package-lock.json"))
    assert lodash.status == "vulnerable" and lodash.advisories[0].severity == "high"
    assert lodash.advisories[0].cwes == ["CWE-77", "CWE-94"]
    assert status(loaded, dep("npm", "lodash", "4.17.21")).status == "not affected"
    assert status(loaded, dep("npm", "lodash", "4.17.21-beta.1")).status == "vulnerable"

    assert status(loaded, dep("Go", "golang.org/x/text", "v0.3.6")).status == "vulnerable"
    assert status(loaded, dep("Go", "golang.org/x/text", "v0.3.7")).status == "not affected"

    for version, expected in [
        ("2.14.1", "vulnerable"),
        ("2.12.1", "vulnerable"),
        ("2.0-beta9", "vulnerable"),
        ("2.0-alpha1", "not affected"),
        ("2.12.2", "not affected"),
        ("2.15.0", "not affected"),
        ("2.17.1", "not affected"),
    ]:
        got = status(loaded, dep("Maven", "org.apache.logging.log4j:log4j-core", version))
        assert got.status == expected, version
    log4j = status(loaded, dep("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"))
    assert log4j.advisories[0].severity == "critical" and log4j.fixed_version == "2.15.0"


def test_unknown_for_ranges_and_missing_ecosystems(loaded: Settings) -> None:
    ranged = status(loaded, dep("PyPI", "jinja2", spec=">=2.10"))
    assert ranged.status == "unknown" and "pin or lock" in ranged.reason
    assert status(loaded, dep("PyPI", "flask", spec=">=2")).status == "not affected"
    # The PyPI name is normalised on both sides (PEP 503).
    assert status(loaded, dep("PyPI", "jinja2", "2.10")).status == "vulnerable"
    only_py = Settings(home=loaded.home.parent / "other")
    import_vulndb(only_py, write_json(loaded.home.parent / "one.json", JINJA2))
    assert status(only_py, dep("npm", "lodash", "4.17.20")).status == "unknown"


def test_findings_from_verdicts(loaded: Settings) -> None:
    verdicts = check_dependencies(
        loaded,
        [
            dep("npm", "lodash", "4.17.20", manifest="web/package-lock.json", line=12),
            dep("PyPI", "jinja2", "3.1.3"),
        ],
    )
    (f,) = dependency_findings(verdicts)
    assert f.rule_id == "DL-DEP-VULN" and f.category == "dependency" and f.cwe == "CWE-1395"
    assert f.severity == "high" and f.path == "web/package-lock.json" and f.start_line == 12
    assert f.fix == "upgrade lodash to 4.17.21 or later" and "CVE-2021-23337" in f.title


def test_directory_and_zip_imports_merge(sqlite_settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "osv"
    folder.mkdir()
    write_json(folder / "PYSEC-2021-66.json", JINJA2)
    write_json(folder / "GO-2021-0113.json", XTEXT)
    report = import_vulndb(sqlite_settings, folder)
    assert report.imported == 2 and report.ecosystems == {"Go": 1, "PyPI": 1}
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("GHSA-35jh-r3h4-6jhm.json", json.dumps(LODASH))
        zf.writestr("GHSA-jfh8-c2jp-5v3q.json", json.dumps(LOG4J))
    report = import_vulndb(sqlite_settings, archive)
    assert report.imported == 2 and report.total == 4
    assert vulndb_status(sqlite_settings)["advisories"] == 4
    replaced = import_vulndb(sqlite_settings, archive, replace=True)
    assert replaced.total == 2


@pytest.mark.parametrize(
    "content",
    [
        '{"name": "not osv"}',
        '[{"id": "X-1", "affected": [{"package": {"ecosystem": "PyPI"}}]}]',
        "this is not json",
        '"a string"',
    ],
)
def test_non_osv_import_is_refused_and_old_db_kept(
    loaded: Settings, tmp_path: Path, content: str
) -> None:
    before = db_path(loaded).read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(InvalidInput, match="not OSV"):
        import_vulndb(loaded, bad)
    assert db_path(loaded).read_bytes() == before
    assert [p.name for p in db_path(loaded).parent.iterdir()] == ["osv.db"]
    assert status(loaded, dep("PyPI", "jinja2", "2.11.2")).status == "vulnerable"


def test_version_ordering() -> None:
    assert compare_versions("npm", "1.0.0-alpha", "1.0.0-alpha.1") == -1
    assert compare_versions("npm", "1.0.0-alpha.beta", "1.0.0-beta") == -1
    assert compare_versions("npm", "1.0.0-beta.2", "1.0.0-beta.11") == -1
    assert compare_versions("npm", "1.0.0-rc.1", "1.0.0") == -1
    assert compare_versions("Go", "v0.0.0-20210101000000-abcdef", "0.3.7") == -1
    assert compare_versions("PyPI", "2.11.2", "2.11.10") == -1
    assert compare_versions("PyPI", "1.0rc1", "1.0") == -1
    assert compare_versions("Maven", "2.0", "2.0.0") == 0
    assert compare_versions("Maven", "2.0.0-rc1", "2.0.0") == -1
    assert compare_versions("Maven", "1.0-SNAPSHOT", "1.0") == -1
    assert compare_versions("Maven", "1.0-sp1", "1.0") == 1
    assert compare_versions("Maven", "1.9", "1.10") == -1
    assert compare_versions("npm", "latest", "1.0.0") is None


def test_cvss_base_score() -> None:
    assert cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H") == 10.0
    assert cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H") == 7.2
    assert cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N") == 7.5
    assert cvss3_base_score("not a vector") is None
