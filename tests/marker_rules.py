"""Keeps the markers true, so ``-m "not slow and not model"`` stays a one-minute check.

Loaded by ``tests/conftest.py`` (``pytest_plugins``). Three rules:

1. **By fixture, at collection.** A test that asks for a fixture in :data:`FIXTURE_MARKS`
   (directly or through another fixture) gets that fixture's markers: the hostile-code
   runner is ``sandbox`` + ``slow``, the packaged model is ``model`` + ``slow``, and so on.
   One line here instead of a marker on every test.
2. **By what the test did, at run time.** While the session runs, the sandbox's single
   launch point (``devlab.sandbox.bwrap.spawn``, and the doctor's probe) and the packaged
   models' loaders (``devlab.llm.weights._ensure``, the local embedders' ``embed``)
   are wrapped to note that they ran. A fast-subset test (not ``slow``) that launched
   bubblewrap without the ``sandbox`` marker, or used a packaged model without ``model``,
   fails at teardown with a message that says which marker to add. A ``slow`` test that
   did so is listed at the end of the run ("marker rules" summary) and fails only with
   ``--strict-marker-rules``: it cannot slow the fast subset, and an audit run fixes the
   list. Work done in another process (a ``devlab`` CLI or server started with
   ``subprocess``) is not seen; such tests are ``slow`` anyway.
3. **Implied markers.** ``model`` implies ``slow`` (a real model is never part of the
   fast subset), and so does ``sandbox`` on a case parametrized with a compiled language
   (:data:`COMPILED_LANGUAGES`).

``sandbox`` alone does not imply ``slow``: a few quick sandbox runs (one per kind of
check, well under a second each) stay in the fast subset, so it still proves that the
sandbox works; everything heavier is also marked ``slow``.
"""

from __future__ import annotations

import functools
import importlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

# fixture name -> the markers every test that uses it (even indirectly) must carry
FIXTURE_MARKS: dict[str, tuple[str, ...]] = {
    "hostile_run": ("sandbox", "slow"),  # tests/sandbox: hostile code in the real sandbox
    "packaged_model": ("model", "slow"),  # tests/llm: the packaged Gemma, converted once
    "packaged": ("model", "slow"),  # tests/training/test_finetune.py: the same model
    "indexed": ("model", "slow"),  # tests/search/test_search.py: ingested with embeddings
    "built": ("sandbox", "slow"),  # tests/training: dataset build with sandbox validation
}
# marker -> markers it brings along
IMPLIED: dict[str, tuple[str, ...]] = {"model": ("slow",)}
# a sandbox test parametrized with one of these languages is slow: javac, go build and tsc
# take seconds per run on two cores, where python, bash and node take a tenth of one
COMPILED_LANGUAGES = frozenset({"java", "go", "typescript"})


class _Seen:
    """What the running test has done so far (set from any thread of this process)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.kinds: set[str] = set()

    def note(self, kind: str) -> None:
        with self.lock:
            self.kinds.add(kind)

    def take(self) -> set[str]:
        with self.lock:
            kinds, self.kinds = self.kinds, set()
            return kinds


SEEN = _Seen()
MESSAGES = {
    "sandbox": (
        "this test ran the real sandbox (bubblewrap) but is not marked `sandbox`: add "
        "@pytest.mark.sandbox (and @pytest.mark.slow unless it takes well under a second), "
        "or a module-level pytestmark; see tests/marker_rules.py"
    ),
    "model": (
        "this test used a packaged model (language or embedding) but is not marked "
        "`model`: add @pytest.mark.model (it implies slow), or index without embeddings; "
        "see tests/marker_rules.py"
    ),
}


def _watch(owner: Any, name: str, kind: str, *, on_return: bool = False) -> Callable[[], None]:
    """Wrap ``owner.name`` so that calling it notes ``kind`` (only once it returned, with
    ``on_return``: a loader that refuses bad input loaded nothing); returns the undo."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def noting(*args: Any, **kwargs: Any) -> Any:
        if not on_return:
            SEEN.note(kind)
        result = original(*args, **kwargs)
        SEEN.note(kind)
        return result

    setattr(owner, name, noting)
    return lambda: setattr(owner, name, original)


def _watch_all() -> list[Callable[[], None]]:
    # by module path: a package may export a function of the same name (sandbox.doctor)
    bwrap = importlib.import_module("devlab.sandbox.bwrap")
    doctor = importlib.import_module("devlab.sandbox.doctor")
    weights = importlib.import_module("devlab.llm.weights")
    embeddings = importlib.import_module("devlab.search.embeddings")
    undo = [
        _watch(bwrap, "spawn", "sandbox"),
        _watch(doctor, "_probe", "sandbox"),
        _watch(weights, "_ensure", "model", on_return=True),
    ]
    for cls in ("SentenceTransformerEmbedder", "OnnxEmbedder", "Model2VecEmbedder"):
        # loading (the constructor) and use (embed: the instance may be cached per process)
        for method in ("__init__", "embed"):
            undo.append(_watch(getattr(embeddings, cls), method, "model", on_return=True))
    return undo


@pytest.fixture(scope="session", autouse=True)
def _marker_watch() -> Iterator[None]:
    undo = _watch_all()
    yield
    for step in reversed(undo):
        step()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        wanted = [m for fixture, marks in FIXTURE_MARKS.items() if fixture in names for m in marks]
        present = {mark.name for mark in item.iter_markers()}
        for mark in list(present) + wanted:
            wanted.extend(IMPLIED.get(mark, ()))
        if "sandbox" in present | set(wanted) and _compiled_case(item):
            wanted.append("slow")
        for mark in dict.fromkeys(wanted):
            if mark not in present:
                item.add_marker(mark)
                present.add(mark)


def _compiled_case(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    values = callspec.params.values() if callspec is not None else ()
    return any(isinstance(v, str) and v in COMPILED_LANGUAGES for v in values)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    SEEN.take()  # whatever ran between tests (a module fixture's teardown) is no one's


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--strict-marker-rules",
        action="store_true",
        help="fail slow tests too that ran the sandbox or a packaged model unmarked",
    )


LAPSES = pytest.StashKey[list[str]]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    if call.when != "teardown":
        return
    report = outcome.get_result()
    missing = [k for k in sorted(SEEN.take()) if item.get_closest_marker(k) is None]
    if not missing or report.outcome == "failed":
        return
    strict = item.config.getoption("strict_marker_rules")
    if item.get_closest_marker("slow") is not None and not strict:
        lapses = item.config.stash.setdefault(LAPSES, [])
        lapses.append(f"{item.nodeid}: add {', '.join(missing)}")
        return
    report.outcome = "failed"
    report.longrepr = "\n".join(MESSAGES[k] for k in missing)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    lapses = config.stash.get(LAPSES, [])
    if lapses:
        terminalreporter.section("marker rules: slow tests with a missing marker")
        for line in lapses:
            terminalreporter.write_line(line)
