"""Refactoring and commit-message pairs from a real git repository made here."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from devlab.codebase.ingest import ingest_source
from devlab.config import load_settings
from devlab.training.datasets import DatasetBuildRequest, build_dataset
from devlab.training.datasets.history import accept_message
from devlab.workbench import Workbench
from helpers import SAMPLE, git, write_tree
from training.dataset_helpers import TESTS, rows

BEFORE = '''"""Prices and discounts."""

DISCOUNT_THRESHOLD = 100


def apply_discount(amount):
    """Take ten percent off orders above the threshold."""
    if amount > DISCOUNT_THRESHOLD:
        return round(amount * 0.9, 2)
    return amount


def parse_price(text):
    """Turn a price string like '$4.50' into a float."""
    return float(text.strip().lstrip("$"))
'''
AFTER = BEFORE.replace(
    """    if amount > DISCOUNT_THRESHOLD:
        return round(amount * 0.9, 2)
    return amount""",
    """    rate = 0.9 if amount > DISCOUNT_THRESHOLD else 1.0
    return round(amount * rate, 2) if rate != 1.0 else amount""",
)
BROKEN = AFTER.replace('lstrip("$"))', 'lstrip("$")) * 100')


def _repo(tmp_path):
    repo = tmp_path / "shop-repo"
    write_tree(
        repo,
        {
            "LICENSE": SAMPLE["LICENSE"],
            "shop/__init__.py": "",
            "shop/pricing.py": BEFORE,
            "tests/test_pricing.py": TESTS,
        },
    )
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add pricing module with its tests")
    (repo / "shop/pricing.py").write_text(AFTER)
    git(repo, "commit", "-q", "-am", "Refactor apply_discount to compute a rate first")
    (repo / "shop/pricing.py").write_text(BROKEN)
    git(repo, "commit", "-q", "-am", "Change parse_price to return cents")
    (repo / "shop/pricing.py").write_text(AFTER)
    git(repo, "commit", "-q", "-am", "wip")
    (repo / "notes.txt").write_text("notes\n")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-q", "-m", "Add notes about the release process")
    return repo


def test_octopack_style_message_filter():
    assert accept_message("Fix rounding of discounts above the threshold")[0]
    assert accept_message("Add pricing module with its tests")[0]
    assert not accept_message("wip")[0]
    assert not accept_message("Merge branch 'main' into feature")[0]
    assert not accept_message("Update")[0]  # too short
    assert not accept_message("Some changes to the pricing code")[0]  # not imperative
    assert not accept_message("Fix bug, see https://example.org/issue/1 for details")[0]


@pytest.mark.sandbox
@pytest.mark.slow
def test_refactor_and_commit_pairs_from_the_projects_git_history(tmp_path):
    repo = _repo(tmp_path)
    settings = load_settings(home=tmp_path / "home")
    wb = Workbench.open(settings)
    try:
        ingest_source(wb.db, settings, name="shop", source=str(repo))
        info = build_dataset(
            wb.db,
            settings,
            DatasetBuildRequest(
                name="hist",
                project="shop",
                kinds=["refactor", "diff-to-message", "message-to-diff"],
            ),
        )
    finally:
        wb.close()
    found = rows(settings, info)
    kinds = Counter(r["kind"] for r in found)
    messages = {r["completion"] for r in found if r["kind"] == "diff-to-message"}
    assert "Refactor apply_discount to compute a rate first" in messages
    assert "wip" not in messages and not any("notes" in m for m in messages)
    diff = next(
        r
        for r in found
        if r["kind"] == "diff-to-message" and r["completion"].startswith("Refactor")
    )
    assert "-    if amount > DISCOUNT_THRESHOLD:" in diff["prompt"]
    assert "+    rate = 0.9" in diff["prompt"] and diff["provenance"]["commit"]
    assert kinds["message-to-diff"] == kinds["diff-to-message"]
    refactors = [r for r in found if r["kind"] == "refactor"]
    good = next(r for r in refactors if r["symbol"] == "apply_discount")
    assert good["prompt"].startswith("Refactor apply_discount to compute a rate first")
    assert (
        "if amount > DISCOUNT_THRESHOLD:" in good["prompt"] and "rate = 0.9" in good["completion"]
    )
    assert good["validated"] is True and "passed before and passed after" in good["validation"]
    # "Change parse_price to return cents" breaks test_parse_price: not a refactoring
    assert not any(r["symbol"] == "parse_price" for r in refactors)
    assert "git history (shop)" in info.card
    assert "1 merge/revert/WIP/fixup" in info.card and "1 no source file changed" in info.card


@pytest.mark.slow  # 2-3 s: git clones and a whole ingestion
def test_git_history_from_a_repository_given_at_build_time(tmp_path):
    repo = _repo(tmp_path)
    copy = tmp_path / "plain-copy"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".git"))
    settings = load_settings(home=tmp_path / "home")
    wb = Workbench.open(settings)
    try:
        ingest_source(wb.db, settings, name="plain", source=str(copy))
        without = build_dataset(
            wb.db,
            settings,
            DatasetBuildRequest(name="nogit", project="plain", kinds=["diff-to-message"]),
        )
        assert without.counts["total"] == 0 and "no local git repository" in without.card
        info = build_dataset(
            wb.db,
            settings,
            DatasetBuildRequest(
                name="withgit", project="plain", kinds=["diff-to-message"], git=str(repo)
            ),
        )
    finally:
        wb.close()
    assert info.counts["by_kind"] == {"diff-to-message": 2}  # the root commit has no diff
