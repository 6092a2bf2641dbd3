"""A whole build of a small real project: kinds, annotations, cleaning, splits, card."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from devlab.training.datasets import DatasetBuildRequest, build_dataset
from devlab.training.datasets.extract import FIM_MIDDLE, FIM_PREFIX, FIM_SUFFIX
from devlab.training.datasets.splits import assign_splits
from training.dataset_helpers import humaneval_first, project_files, rows


def test_every_snapshot_kind_is_extracted_with_annotations(built):
    settings, _, info = built
    found = rows(settings, info)
    kinds = Counter(r["kind"] for r in found)
    for kind in (
        "completion",
        "doc-to-code",
        "code-to-doc",
        "code-to-tests",
        "bug-fix",
        "naming",
        "class-skeleton",
    ):
        assert kinds[kind] > 0, kind
    assert info.counts["total"] == len(found) == sum(info.counts["by_kind"].values())
    for r in found:
        assert r["split"] in ("train", "validation", "test")
        assert r["language"] in ("python", "javascript", "bash")
        assert r["category"] and isinstance(r["complexity"], int) and r["complexity"] >= 1
        assert r["tokens"] > 0 and 0.0 <= r["quality"] <= 1.0
        assert r["instruction"] and r["response"]  # the chat form of every kind
        prov = r["provenance"]
        assert prov["project"] == "shop" and prov["path"] == r["source_path"]
        assert prov["licence"] == "MIT" and prov["snapshot_id"] == info.snapshot_ids[0]
    tests = [r for r in found if r["source_path"] == "tests/test_pricing.py"]
    assert tests and all(r["category"] == "test" for r in tests)


def test_doc_code_naming_and_skeleton_examples(built):
    settings, _, info = built
    found = [r for r in rows(settings, info) if not r["augmented"]]
    doc = next(r for r in found if r["kind"] == "doc-to-code" and r["symbol"] == "apply_discount")
    assert doc["prompt"].startswith("def apply_discount(amount):")
    assert "Take ten percent off" in doc["prompt"] and "return amount" in doc["completion"]
    back = next(r for r in found if r["kind"] == "code-to-doc" and r["symbol"] == "apply_discount")
    assert back["completion"] == "Take ten percent off orders above the threshold."
    assert "Take ten percent" not in back["prompt"] and "round(amount" in back["prompt"]
    js = next(r for r in found if r["kind"] == "doc-to-code" and r["symbol"] == "renderCart")
    assert js["prompt"].startswith("/** Render the cart") and "function renderCart" in js["prompt"]
    name = next(r for r in found if r["kind"] == "naming" and r["symbol"] == "parse_price")
    assert name["completion"] == "parse_price" and "def <NAME>(text)" in name["prompt"]
    assert "parse_price" not in name["prompt"]
    skeleton = next(r for r in found if r["kind"] == "class-skeleton")
    assert skeleton["symbol"] == "Cart" and skeleton["prompt"].startswith("class Cart:")
    assert "def add_item(self, name, price, quantity=1):" in skeleton["completion"]
    assert "self.items.append" not in skeleton["completion"]


def test_code_is_linked_to_the_tests_that_call_it(built):
    settings, _, info = built
    links = {r["symbol"]: r for r in rows(settings, info) if r["kind"] == "code-to-tests"}
    assert set(links) == {"apply_discount", "parse_price"}
    assert "def test_discount_above_threshold" in links["apply_discount"]["completion"]
    assert "def test_no_discount_below" in links["apply_discount"]["completion"]
    assert "test_parse_price" not in links["apply_discount"]["completion"]
    assert links["parse_price"]["prompt"].startswith("def parse_price(text):")


def test_bug_fix_pairs_are_validated_by_the_linked_tests_in_the_sandbox(built):
    settings, _, info = built
    pairs = [r for r in rows(settings, info) if r["kind"] == "bug-fix"]
    assert pairs and all(r["prompt"] != r["completion"] for r in pairs)
    tested = [r for r in pairs if r["symbol"] in ("apply_discount", "parse_price")]
    assert tested and all(r["validated"] is not None for r in tested)
    assert any(r["validated"] is True for r in tested)
    for r in tested:
        if r["validated"]:
            assert "failed on the mutant" in r["validation"] or "error" in r["validation"]
    untested = [r for r in pairs if r["symbol"] == "contact_line"]
    assert untested and all(r["validated"] is None for r in untested)
    assert not any(r["symbol"].startswith("test_") for r in pairs)  # tests are not mutated
    assert info.counts["validated"]["bug-fix"]["true"] >= 1


def test_privacy_report_counts_without_values(built):
    settings, _, info = built
    assert info.counts["privacy"]["email"] == 2 and info.counts["privacy"]["ip"] == 1
    text = json.dumps(rows(settings, info))
    assert "shop-example.com" not in text and "93.184.216.34" not in text
    assert "<REDACTED:email>" in text
    assert "| email | 2 |" in info.card and "| ip | 1 |" in info.card


def test_licence_filter_decisions_land_in_the_provenance_log(built):
    settings, _, info = built
    log = [
        json.loads(line)
        for line in (settings.home / info.path / "provenance.jsonl").read_text().splitlines()
    ]
    by_path = {d["path"]: d for d in log}
    assert by_path["shop/gpl_part.py"]["decision"] == "dropped"
    assert "GPL-3.0-only" in by_path["shop/gpl_part.py"]["reason"]
    assert by_path["shop/cart.py"]["decision"] == "kept"
    assert not any(r["source_path"] == "shop/gpl_part.py" for r in rows(settings, info))


def test_near_duplicates_collapse_to_one_representative(built):
    settings, _, info = built
    found = rows(settings, info)
    copies = {r["source_path"] for r in found if r["symbol"] == "summarise_orders"}
    assert copies == {"shop/reports_a.py"}
    assert any(
        step["step"] == "near dedup" and step["in"] > step["out"] for step in info.counts["funnel"]
    )


def test_exact_duplicates_and_near_dedup_can_be_switched_off(shop):
    settings, wb = shop
    info = build_dataset(
        wb.db,
        settings,
        DatasetBuildRequest(
            name="nodedup",
            project="shop",
            near_dedup=False,
            exact_dedup=False,
            validate_pairs=False,
            augmentations=[],
        ),
    )
    copies = {r["source_path"] for r in rows(settings, info) if r["symbol"] == "summarise_orders"}
    assert copies == {"shop/reports_a.py", "shop/reports_b.py"}


def test_an_example_containing_a_humaneval_prompt_is_dropped(built):
    settings, _, info = built
    problem = humaneval_first()
    found = rows(settings, info)
    assert not any(r["source_path"] == "shop/closeness.py" for r in found)
    assert not any(problem["prompt"].strip() in r["prompt"] for r in found)
    step = next(s for s in info.counts["funnel"] if s["step"] == "decontamination")
    assert step["in"] > step["out"]


@pytest.mark.slow
def test_fim_formats_rate_and_statement_boundaries(shop):
    settings, wb = shop
    common = {
        "project": "shop",
        "kinds": ["completion"],
        "validate_pairs": False,
        "augmentations": [],
        "near_dedup": False,
    }
    all_fim = rows(
        settings,
        build_dataset(wb.db, settings, DatasetBuildRequest(name="fim", fim_rate=1.0, **common)),
    )
    assert all_fim and all(r["format"] in ("fim-psm", "fim-spm") for r in all_fim)
    assert {r["format"] for r in all_fim} == {"fim-psm", "fim-spm"}
    for r in all_fim:
        if r["format"] == "fim-psm":
            assert r["prompt"].startswith(FIM_PREFIX) and r["prompt"].endswith(FIM_MIDDLE)
            prefix, suffix = r["prompt"][len(FIM_PREFIX) : -len(FIM_MIDDLE)].split(FIM_SUFFIX)
        else:
            assert r["prompt"].startswith(FIM_PREFIX + FIM_SUFFIX)
            suffix, prefix = r["prompt"][len(FIM_PREFIX + FIM_SUFFIX) :].split(FIM_MIDDLE)
        # cut at statement boundaries: whole lines of the unit, the middle whole statements
        if r["source_path"] != "shop/contact.py":  # (its e-mail addresses are redacted)
            assert prefix + r["completion"] + suffix in project_files()[r["source_path"]]
        assert prefix.endswith("\n") and r["completion"].endswith("\n")
        assert r["completion"].lstrip()[0] not in ")]},."
    spm_only = rows(
        settings,
        build_dataset(
            wb.db,
            settings,
            DatasetBuildRequest(name="spm", fim_rate=1.0, fim_spm_rate=1.0, **common),
        ),
    )
    assert {r["format"] for r in spm_only} == {"fim-spm"}
    l2r = rows(
        settings,
        build_dataset(wb.db, settings, DatasetBuildRequest(name="l2r", fim_rate=0.0, **common)),
    )
    assert l2r and {r["format"] for r in l2r} == {"l2r"}
    for r in l2r:
        assert r["prompt"].endswith("\n") and r["completion"].strip()
        if r["source_path"] != "shop/contact.py":
            assert r["prompt"] + r["completion"] in project_files()[r["source_path"]]
    half = rows(
        settings,
        build_dataset(wb.db, settings, DatasetBuildRequest(name="half", fim_rate=0.5, **common)),
    )
    formats = Counter(r["format"] for r in half)
    assert formats["l2r"] and formats["fim-psm"] + formats["fim-spm"]


@pytest.mark.slow
def test_splits_are_by_file_and_reproducible_with_a_seed(shop):
    settings, wb = shop
    common = {
        "project": "shop",
        "validate_pairs": False,
        "kinds": ["completion", "naming"],
        "split_ratios": {"train": 0.4, "validation": 0.3, "test": 0.3},
    }
    first = rows(
        settings, build_dataset(wb.db, settings, DatasetBuildRequest(name="s1", seed=7, **common))
    )
    again = rows(
        settings, build_dataset(wb.db, settings, DatasetBuildRequest(name="s2", seed=7, **common))
    )
    assert [(r["id"], r["split"]) for r in first] == [(r["id"], r["split"]) for r in again]
    by_file: dict[str, set[str]] = {}
    for r in first:
        by_file.setdefault(r["source_path"], set()).add(r["split"])
    assert all(len(s) == 1 for s in by_file.values())
    assert len({r["split"] for r in first}) > 1
    card = build_dataset(wb.db, settings, DatasetBuildRequest(name="s4", seed=7, **common)).card
    assert "splits: realised train" in card and "against configured train 40%" in card
    other = rows(
        settings, build_dataset(wb.db, settings, DatasetBuildRequest(name="s3", seed=8, **common))
    )
    assert [r["split"] for r in other] != [r["split"] for r in first] or len(by_file) < 3


def test_augmented_examples_are_marked_and_stay_in_their_origin_split(shop):
    settings, wb = shop
    info = build_dataset(
        wb.db,
        settings,
        DatasetBuildRequest(
            name="aug",
            project="shop",
            augment_rate=1.0,
            validate_pairs=False,
            split_ratios={"train": 0.4, "validation": 0.3, "test": 0.3},
        ),
    )
    found = rows(settings, info)
    augmented = [r for r in found if r["augmented"]]
    transforms = Counter(t for r in augmented for t in r["provenance"]["transforms"])
    assert transforms["rename"] and transforms["format"] and transforms["strip-comments"]
    split_of_file = {r["source_path"]: r["split"] for r in found if not r["augmented"]}
    for r in augmented:
        assert r["origin_id"] and r["split"] == split_of_file[r["source_path"]]
    formatted = next(
        r
        for r in augmented
        if r["provenance"]["transforms"] == ["format"]
        and r["language"] == "python"
        and r["kind"] == "naming"
    )
    assert "'" in formatted["prompt"] or formatted["prompt"] != formatted["completion"]
    assert "Augmented" in info.card


def test_a_project_whose_files_are_all_filtered_gets_an_empty_dataset_and_a_card(shop):
    settings, wb = shop
    info = build_dataset(
        wb.db,
        settings,
        DatasetBuildRequest(name="none", project="shop", licenses=["WTFPL"], validate_pairs=False),
    )
    assert info.counts["total"] == 0
    assert "## No examples" in info.card and "licence filter removed all" in info.card
    for split in ("train", "validation", "test"):
        assert (settings.home / info.path / "data" / f"{split}.parquet").is_file()
    assert (settings.home / info.path / "plots" / "kinds.png").is_file()


@pytest.mark.parametrize("field", ["kinds", "operators", "augmentations"])
def test_unknown_names_are_rejected_before_any_work(shop, field):
    from devlab.training.datasets import UnknownKind

    settings, wb = shop
    with pytest.raises(UnknownKind) as err:
        build_dataset(
            wb.db,
            settings,
            DatasetBuildRequest(name="bad", project="shop", **{field: ["nonsense"]}),
        )
    assert err.value.status_code == 400 and "nonsense" in err.value.message


def test_card_has_statistics_filters_and_plots(built):
    settings, _, info = built
    folder = settings.home / info.path
    card = (folder / "README.md").read_text()
    assert card == info.card
    for heading in (
        "## Contents",
        "## Filters",
        "## Privacy",
        "## Licences and provenance",
        "## Plots",
        "## Configuration",
    ):
        assert heading in card
    for plot in ("kinds.png", "lengths.png"):
        assert (folder / "plots" / plot).stat().st_size > 1000
        assert f"plots/{plot}" in card
    assert json.loads((folder / "config.json").read_text())["fim_rate"] == 0.5


def test_splits_are_balanced_by_example_count_and_say_why_when_they_cannot_be():
    # one big file and many small ones: hashing files to splits missed the ratios
    examples = [{"_group": "p\x00big.py"} for _ in range(400)]
    for i in range(300):
        examples += [{"_group": f"p\x00small_{i}.py"} for _ in range(2)]
    ratios = {"train": 0.8, "validation": 0.1, "test": 0.1}
    summary = assign_splits(examples, seed=1, ratios=ratios, by_repository=False)
    counts = summary["counts"]
    assert sum(counts.values()) == 1000
    assert abs(counts["train"] - 800) <= 2 and abs(counts["test"] - 100) <= 2
    assert summary["why"] == ""
    again = [dict(e, split=None) for e in examples]
    assign_splits(again, seed=1, ratios=ratios, by_repository=False)
    assert [e["split"] for e in again] == [e["split"] for e in examples]  # reproducible
    # a single file bigger than the test share cannot be divided: the summary says so
    lopsided = [{"_group": "p\x00huge.py"} for _ in range(900)]
    lopsided += [{"_group": f"p\x00f{i}.py"} for i in range(100)]
    summary = assign_splits(lopsided, seed=1, ratios=ratios, by_repository=False)
    assert "the largest holding 900 of 1,000 examples (90%)" in summary["why"]
