"""A team's own project is used whatever its licence (issue 14, item 6).

The setting is decided once per project at ingestion (local directory or private
git remote: yes; a package from a registry or a public forge: no), changeable, and
the data card's first line says how many files the licence filter removed.
"""

from __future__ import annotations

import pytest

from devlab.codebase.ingest import ingest_source
from devlab.codebase.ownership import default_own_code, is_vendored
from devlab.codebase.projects import project_info
from devlab.config import load_settings
from devlab.training.datasets import DatasetBuildRequest, build_dataset
from devlab.workbench import Workbench
from helpers import write_tree

# no LICENSE file, no SPDX header: the team's private service
PRIVATE = {
    "svc/billing.py": '"""Billing."""\n\n\ndef invoice_total(lines):\n'
    '    """Sum of the invoice lines."""\n    return sum(q * p for q, p in lines)\n\n\n'
    "def tax(amount, rate=0.2):\n    return round(amount * rate, 2)\n",
    "vendor/left_pad.py": "def left_pad(s, n):\n    return s.rjust(n)\n",
}


@pytest.mark.parametrize(
    ("source", "kind", "own"),
    [
        ("/home/me/project", "directory", True),
        ("upload.zip", "zip", True),
        ("git@git.internal:team/api.git", "git-remote", True),
        ("ssh://git@github.com/team/private.git", "git-remote", True),
        ("https://git.internal.example/team/api.git", "git-remote", True),
        ("https://github.com/pallets/flask.git", "git-remote", False),
        ("https://gitlab.com/group/proj", "git-remote", False),
    ],
)
def test_default_own_code_by_source(source: str, kind: str, own: bool) -> None:
    decided, why = default_own_code(source, kind)
    assert decided is own and why


def test_a_package_from_a_registry_is_not_own_code(tmp_path) -> None:
    root = write_tree(tmp_path / "attrs-23.2.0", {"PKG-INFO": "Name: attrs\n", "a.py": "x = 1\n"})
    assert default_own_code(str(root), "directory", root) == (
        False,
        "an sdist from a package registry (PKG-INFO): the licence decides",
    )
    assert is_vendored("vendor/left_pad.py") and is_vendored("web/node_modules/x/i.js")
    assert not is_vendored("src/vendors.py")


@pytest.fixture
def wb(tmp_path):
    bench = Workbench.open(load_settings(home=tmp_path / "home"))
    yield bench
    bench.close()


def _build(wb, name: str, **config):
    request = DatasetBuildRequest(
        name=name, project="svc", kinds=["completion"], validate_pairs=False, **config
    )
    return build_dataset(wb.db, wb.settings, request)


@pytest.mark.slow
def test_own_project_without_a_licence_yields_examples(wb, tmp_path) -> None:
    root = write_tree(tmp_path / "svc", PRIVATE)
    report = ingest_source(wb.db, wb.settings, name="svc", source=str(root))
    assert (report.own_code, report.own_code_reason) == (True, "a local directory")
    assert project_info(wb.db, "svc").own_code is True
    info = _build(wb, "own")
    assert "**0 examples**" not in info.card and "## No examples" not in info.card
    first = info.card.split("\n")[2]
    # (vendor/ is not ingested at all; a vendored file that is would keep the filter)
    assert first.startswith("**Licence filter: 0 of 1 source files removed**")
    # the user says otherwise once; later ingestions keep it
    ingest_source(wb.db, wb.settings, name="svc", source=str(root), own_code=False)
    again = ingest_source(wb.db, wb.settings, name="svc", source=str(root))
    assert (again.own_code, again.own_code_reason) == (False, "as set for this project")
    info = _build(wb, "notown")
    assert info.card.split("\n")[2].startswith("**Licence filter: 1 of 1 source files removed**")
    # a build can still override the project's setting
    info = _build(wb, "override", own_project=True)
    assert info.card.split("\n")[2].startswith("**Licence filter: 0 of 1 source files removed**")
