"""The dataset doors on a real uvicorn server and through the CLI, and the exports'
loadability with pyarrow and ``datasets.load_dataset``."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import httpx
import pytest
from typer.testing import CliRunner

from devlab.cli import app
from devlab.codebase.ingest import ingest_source
from devlab.config import Settings
from devlab.training.datasets import KINDS
from devlab.workbench import Workbench
from helpers import SAMPLE, assert_error_shape, serve_in_thread, wait_job, write_tree

runner = CliRunner()


@pytest.fixture
def shop_settings(settings: Settings, tmp_path, monkeypatch) -> Settings:
    if settings.database_url:  # the CLI tests open the same (PostgreSQL) store
        monkeypatch.setenv("DEVLAB_DATABASE_URL", settings.database_url)
    root = write_tree(tmp_path / "shop-src", SAMPLE)
    wb = Workbench.open(settings)
    try:
        ingest_source(wb.db, settings, name="shop", source=str(root))
    finally:
        wb.close()
    return settings


@pytest.fixture
def server(shop_settings: Settings) -> Iterator[str]:
    for hostport in serve_in_thread(shop_settings):
        yield f"http://{hostport}/api/v1/devlab"


@pytest.mark.slow
def test_build_show_examples_and_export_over_rest(server):
    resp = httpx.post(
        f"{server}/datasets",
        json={
            "name": "web",
            "project": "shop",
            "kinds": ["completion", "naming", "bug-fix"],
            "validate_pairs": False,
            "split_ratios": {"train": 0.5, "validation": 0.25, "test": 0.25},
        },
    )
    assert resp.status_code == 202, resp.text
    job = wait_job(server.rsplit("/api", 1)[0], resp.json()["id"])
    assert job["status"] == "succeeded", job
    dataset_id = job["result"]["id"]
    shown = httpx.get(f"{server}/datasets/{dataset_id}").json()
    assert shown["name"] == "web" and shown["version"] == 1 and shown["card"].startswith("# web")
    assert httpx.get(f"{server}/datasets/web@1").json()["id"] == dataset_id
    total = shown["counts"]["total"]
    assert total == sum(shown["counts"]["by_kind"].values()) > 0

    page = httpx.get(
        f"{server}/datasets/{dataset_id}/examples", params={"kind": "naming", "limit": 1000}
    ).json()
    assert page["total"] == shown["counts"]["by_kind"]["naming"] == len(page["items"])
    assert {i["kind"] for i in page["items"]} == {"naming"}
    for split in ("train", "validation", "test"):
        part = httpx.get(
            f"{server}/datasets/{dataset_id}/examples", params={"split": split, "limit": 1000}
        ).json()
        assert part["total"] == shown["counts"]["by_split"].get(split, 0)
        assert all(i["split"] == split for i in part["items"])
    paged = httpx.get(
        f"{server}/datasets/{dataset_id}/examples", params={"limit": 2, "offset": 1}
    ).json()
    assert len(paged["items"]) == 2 and paged["total"] == total

    jsonl = httpx.get(f"{server}/datasets/{dataset_id}/export", params={"format": "jsonl"})
    assert jsonl.status_code == 200
    lines = [json.loads(line) for line in jsonl.text.splitlines()]
    assert len(lines) == total and {"kind", "split", "source_path", "provenance"} <= set(lines[0])
    parquet = httpx.get(f"{server}/datasets/{dataset_id}/export", params={"format": "parquet"})
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.num_rows == total and "prompt" in table.column_names
    plot = httpx.get(f"{server}/datasets/{dataset_id}/plots/kinds.png")
    assert plot.status_code == 200 and plot.content.startswith(b"\x89PNG")
    listed = httpx.get(f"{server}/datasets").json()
    assert [d["id"] for d in listed] == [dataset_id] and listed[0]["card"] is None


def test_bad_dataset_requests_answer_with_the_reason(server):
    unknown = httpx.post(
        f"{server}/datasets",
        json={"name": "x", "project": "shop", "kinds": ["completion", "poetry"]},
    )
    body = assert_error_shape(unknown, 400)
    assert "poetry" in body["error"] and all(k in body["error"] for k in KINDS)
    assert "not allowed" not in body["error"]
    assert_error_shape(httpx.get(f"{server}/datasets/nope/export"), 404)
    assert_error_shape(httpx.get(f"{server}/datasets/999/export?format=parquet"), 404)
    assert_error_shape(httpx.get(f"{server}/datasets/999"), 404)
    assert_error_shape(httpx.post(f"{server}/datasets", json={"name": "x", "project": "nope"}), 404)
    assert_error_shape(
        httpx.post(f"{server}/datasets", json={"name": "x", "project": "shop", "fim_rate": 2}), 422
    )
    assert_error_shape(
        httpx.post(f"{server}/datasets", json={"name": "x", "project": "shop", "colour": "red"}),
        422,
    )
    assert_error_shape(
        httpx.post(f"{server}/datasets", json={"name": "../x", "project": "shop"}), 422
    )
    assert_error_shape(httpx.get(f"{server}/datasets/1/examples?kind=poetry"), 400)


@pytest.mark.slow
def test_cli_build_show_export(shop_settings, tmp_path):
    home = ["--home", str(shop_settings.home)]
    built = runner.invoke(
        app,
        [
            *home,
            "dataset",
            "build",
            "--project",
            "shop",
            "--name",
            "cli",
            "--kinds",
            "completion,doc-to-code",
            "--no-validate",
            "--json",
        ],
    )
    assert built.exit_code == 0, built.output
    info = json.loads(built.stdout)
    assert info["name"] == "cli" and set(info["counts"]["by_kind"]) <= {"completion", "doc-to-code"}
    shown = runner.invoke(app, [*home, "dataset", "show", "cli", "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["card"].startswith("# cli")
    out = tmp_path / "out"
    exported = runner.invoke(
        app, [*home, "dataset", "export", "cli", "--format", "parquet", "--out", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    assert {p.name for p in out.iterdir()} >= {
        "train.parquet",
        "validation.parquet",
        "test.parquet",
        "README.md",
        "plots",
    }
    missing = runner.invoke(
        app, [*home, "dataset", "export", "nope", "--format", "jsonl", "--out", str(out)]
    )
    assert missing.exit_code == 2 and "no dataset 'nope'" in missing.output
    bad = runner.invoke(
        app, [*home, "dataset", "build", "--project", "shop", "--name", "b", "--kinds", "sonnets"]
    )
    assert bad.exit_code == 2 and "sonnets" in bad.output and "completion" in bad.output


@pytest.mark.slow
def test_exports_load_with_pyarrow_and_datasets(shop_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    home = ["--home", str(shop_settings.home)]
    assert (
        runner.invoke(
            app,
            [
                *home,
                "dataset",
                "build",
                "--project",
                "shop",
                "--name",
                "hf",
                "--no-validate",
                "--json",
                "--set",
                'split_ratios={"train": 0.6, "validation": 0.2, "test": 0.2}',
            ],
        ).exit_code
        == 0
    )
    for fmt in ("jsonl", "parquet"):
        out = tmp_path / fmt
        assert (
            runner.invoke(
                app, [*home, "dataset", "export", "hf", "--format", fmt, "--out", str(out)]
            ).exit_code
            == 0
        )
    stats = json.loads((tmp_path / "jsonl" / "stats.json").read_text())
    datasets = pytest.importorskip("datasets")
    for fmt, builder in (("jsonl", "json"), ("parquet", "parquet")):
        files = {
            s: str(tmp_path / fmt / f"{s}.{fmt}")
            for s in ("train", "validation", "test")
            if stats["by_split"].get(s)
        }
        loaded = datasets.load_dataset(
            builder, data_files=files, cache_dir=str(tmp_path / "hf-cache")
        )
        for split, n in stats["by_split"].items():
            assert loaded[split].num_rows == n
        row = loaded["train"][0]
        assert row["kind"] and row["provenance"]["project"] == "shop"
