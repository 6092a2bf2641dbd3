"""`devlab chat` and `devlab explain` ask the server running for the same DEVLAB_HOME
(issue 14: a CLI answer must not pay for loading the model on every call).

A real ``devlab serve`` subprocess answers with a scripted OpenAI-compatible model; the
CLI runs as a subprocess too. A model answer is stored by whoever gives it, so the CLI
must never answer a second time after the server accepted the request: an error the
server gives is the command's error, and the conversation holds one exchange.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import SAMPLE, write_tree
from scripted import ScriptedModel, scripted_config, scripted_model_server, serve_devlab

pytestmark = pytest.mark.slow

DEVLAB = [sys.executable, "-m", "devlab"]
REPLY = "The total sums each item's price times its quantity [1]."


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedModel]:
    with scripted_model_server() as model:
        yield model


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, scripted: ScriptedModel) -> Path:
    home = tmp_path_factory.mktemp("clihome")
    repo = write_tree(tmp_path_factory.mktemp("repo"), SAMPLE)
    subprocess.run(
        [*DEVLAB, "ingest", str(repo), "--name", "shop", "--no-embed"],
        env=_env(home), check=True, capture_output=True,
    )  # fmt: skip
    scripted_config(home / "devlab.toml", scripted)
    return home


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "DEVLAB_HOME": str(home), "DEVLAB_CONFIG": str(home / "devlab.toml")}
    env.pop("DEVLAB_DATABASE_URL", None)
    env.pop("DEVLAB_API_TOKEN", None)
    return env


def _devlab(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DEVLAB, *args], env=_env(home), capture_output=True, text=True, timeout=120
    )


def _conversations(home: Path) -> list[dict]:  # type: ignore[type-arg]
    done = _devlab(home, "conversations", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_without_a_server_the_cli_answers_itself(home: Path, scripted: ScriptedModel) -> None:
    scripted.script(REPLY)
    done = _devlab(home, "chat", "how is the cart total computed?", "-p", "shop")
    assert done.returncode == 0, done.stderr
    assert REPLY in done.stdout
    assert "answered by the server" not in done.stderr


def test_chat_and_explain_are_answered_by_the_running_server(
    home: Path, scripted: ScriptedModel
) -> None:
    before = len(_conversations(home))
    with serve_devlab(home, _env(home)) as url:
        scripted.script(REPLY)
        streamed = _devlab(home, "chat", "how is the cart total computed?", "-p", "shop")
        assert streamed.returncode == 0, streamed.stderr
        assert REPLY in streamed.stdout  # the tokens came over the server's WebSocket
        assert f"answered by the server at {url}" in streamed.stderr
        assert "conversation" in streamed.stderr  # the stored ids are printed as locally

        as_json = _devlab(home, "chat", "and the discount?", "-p", "shop", "--json")
        assert as_json.returncode == 0, as_json.stderr
        answer = json.loads(as_json.stdout)
        assert answer["answer"].strip() == REPLY and answer["provider"] == "scripted"
        assert f"answered by the server at {url}" in as_json.stderr

        scripted.script("It adds up the cart.")
        explained = _devlab(home, "explain", "-p", "shop", "--symbol", "Cart.total")
        assert explained.returncode == 0, explained.stderr
        assert "It adds up the cart." in explained.stdout
        assert f"answered by the server at {url}" in explained.stderr

        # an error the server gives is the command's (exit 2 for an unknown project),
        # and the CLI does not answer again by itself
        missing = _devlab(home, "chat", "hello?", "-p", "no-such-project")
        assert missing.returncode == 2, missing.stderr
        assert "no-such-project" in missing.stderr
        assert "Traceback" not in missing.stderr
    # each request was answered once, by the server: one conversation each (two chats
    # and the explanation), none from the failed one
    assert len(_conversations(home)) == before + 3
