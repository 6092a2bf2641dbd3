"""Snippet version history: save (deduplicated), list, diff, restore, and bad input,
through the library and the REST door on a real store."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from devlab.errors import InvalidInput, NotFound
from devlab.sandbox.history import (
    SnippetSave,
    diff_versions,
    list_snippets,
    list_versions,
    restore_version,
    save_version,
)
from devlab.server.app import create_app


def _body(text: str, note: str = "run") -> SnippetSave:
    return SnippetSave(language="python", files={"main.py": text}, entry="main.py", note=note)


def test_versions_are_numbered_deduplicated_diffed_and_restored(bench):
    v1 = save_version(bench.db, "fizz", _body("print(1)\n"))
    assert save_version(bench.db, "fizz", _body("print(1)\n")).version == v1.version == 1
    v2 = save_version(bench.db, "fizz", _body("print(2)\n"))
    assert [v.version for v in list_versions(bench.db, "fizz")] == [2, 1]
    diff = diff_versions(bench.db, "fizz", 1, 2).diff
    assert "-print(1)" in diff and "+print(2)" in diff and "v1/main.py" in diff
    restored = restore_version(bench.db, "fizz", 1)
    assert restored.version == 3 and restored.files == {"main.py": "print(1)\n"}
    assert restored.note == "restore of v1" and v2.version == 2
    assert list_snippets(bench.db)[0].snippet == "fizz"


def test_bad_names_and_unknown_versions_say_what_to_change(bench):
    with pytest.raises(InvalidInput, match="snippet name"):
        save_version(bench.db, "../etc", _body("x"))
    with pytest.raises(NotFound, match="running code saves"):
        list_versions(bench.db, "nothing")
    save_version(bench.db, "one", _body("x"))
    with pytest.raises(NotFound, match="no version 9"):
        diff_versions(bench.db, "one", 1, 9)
    with pytest.raises(ValueError, match="relative"):
        SnippetSave(language="python", files={"/etc/passwd": "x"})
    with pytest.raises(ValueError, match="at most"):
        SnippetSave(language="python", files={f"f{i}.py": "" for i in range(60)})


def test_rest_door(sqlite_settings):
    with TestClient(create_app(sqlite_settings)) as client:
        url = "/api/v1/devlab/snippets/demo/versions"
        body = {"language": "python", "files": {"main.py": "print('a')\n"}}
        assert client.post(url, json=body).status_code == 201
        body["files"]["main.py"] = "print('b')\n"
        assert client.post(url, json=body).json()["version"] == 2
        assert [v["version"] for v in client.get(url).json()] == [2, 1]
        diff = client.get("/api/v1/devlab/snippets/demo/diff", params={"a": 1, "b": 2}).json()
        assert "+print('b')" in diff["diff"]
        restored = client.post(f"{url}/1/restore").json()
        assert restored["version"] == 3 and restored["files"]["main.py"] == "print('a')\n"
        assert client.get(f"{url}/3").json()["note"] == "restore of v1"
        bad = client.post(url, json={"language": "python", "files": {}})
        assert bad.status_code == 422 and "files" in bad.json()["error"]
        missing = client.get("/api/v1/devlab/snippets/nope/versions")
        assert missing.status_code == 404 and "nope" in missing.json()["error"]
        assert client.get("/api/v1/devlab/snippets").json()[0]["snippet"] == "demo"
