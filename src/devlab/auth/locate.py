"""Locators: from a request to the projects it touches, for the access check.

A locator gets the request's parts and answers a list of project ids (each checked
against the caller's role), ``[]`` (nothing to check beyond signing in: a new project,
the caller's own row), or ``None`` (no project named: the role is needed on some
project). A row the caller may not see raises ``NotFound``, the same answer as a row
that does not exist, so ids and names do not leak."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from devlab.apitypes import numeric_id
from devlab.auth.principal import Principal
from devlab.errors import NotFound
from devlab.store import (
    Conversation,
    Database,
    DatasetRow,
    EvaluationRow,
    FeedbackRow,
    FindingRow,
    Job,
    MessageRow,
    ModelVersionRow,
    Project,
)


@dataclass
class Where:
    """The parts of a request a locator reads."""

    db: Database
    who: Principal
    path: dict[str, Any]
    query: dict[str, str]
    body: dict[str, Any] | None


Locator = Callable[[Where], list[int] | None]


def project_id_of(db: Database, ref: str | int) -> int | None:
    """A project's id by name or id; None when there is none."""
    text = str(ref)
    with db.session() as s:
        pid = numeric_id(text)
        row = s.get(Project, pid) if pid is not None else None
        if row is None:
            row = s.scalar(select(Project).where(Project.name == text))
        return row.id if row is not None else None


def _project(w: Where, ref: Any) -> list[int]:
    pid = project_id_of(w.db, ref) if ref not in (None, "") else None
    if pid is None and w.who.is_admin:
        return []  # nothing hidden from an admin: the route itself answers (422, 404)
    if pid is None or not w.who.can_see(pid):
        raise NotFound(
            f"no project {ref!r}: list projects with `devlab projects` or "
            "GET /api/v1/devlab/projects"
        )
    return [pid]


def path(name: str = "project") -> Locator:
    """The project named by a path parameter."""
    return lambda w: _project(w, w.path.get(name))


def query(name: str = "project_id") -> Locator:
    """The project named by a query parameter (none named: ``None``)."""
    return lambda w: _project(w, w.query[name]) if w.query.get(name) else None


def body(*names: str) -> Locator:
    """The project(s) named by the first of these JSON body fields that is present
    (a list field names several)."""
    names = names or ("project", "project_id")

    def locate(w: Where) -> list[int] | None:
        data = w.body if isinstance(w.body, dict) else {}
        found: list[int] = []
        for name in names:
            value = data.get(name)
            if isinstance(value, list):
                for item in value[:100]:
                    found += _project(w, item)
            elif value not in (None, ""):
                found += _project(w, value)
        return found or None

    return locate


def new_project(w: Where) -> list[int] | None:
    """Create or re-ingest: a new name needs only a signed-in user (who becomes its
    maintainer); an existing project needs the role on it."""
    data = w.body if isinstance(w.body, dict) else {}
    name = data.get("name")
    if (not isinstance(name, str) or not name) and data.get("__file__:file"):
        from devlab.codebase import project_name_from

        name = project_name_from(str(data["__file__:file"]), "upload")  # as the route does
    if not isinstance(name, str) or not name:
        return []  # the route answers the missing name (422); nothing to protect
    pid = project_id_of(w.db, name)
    if pid is None:
        return []
    return _project(w, name)


def _owned(w: Where, project_id: int | None, owner: int | None, what: str) -> list[int]:
    if project_id is not None:
        if not w.who.can_see(project_id):
            raise NotFound(f"no {what}")
        return [project_id]
    if w.who.is_admin or (owner is not None and owner == w.who.user_id):
        return []  # rows without an owner (made by the CLI or the local user): admins
    raise NotFound(f"no {what}")


def job(name: str = "job_id") -> Locator:
    def locate(w: Where) -> list[int] | None:
        ref = str(w.path.get(name))
        with w.db.session() as s:
            row = s.get(Job, ref)
            if row is None:
                raise NotFound(f"no job {ref!r}: list jobs with GET /api/v1/devlab/jobs")
            return _owned(w, row.project_id, row.user_id, f"job {ref!r}")

    return locate


def conversation(name: str = "conversation_id", *, in_body: bool = False) -> Locator:
    def locate(w: Where) -> list[int] | None:
        raw = (w.body or {}).get(name) if in_body else w.path.get(name)
        if raw in (None, ""):
            return body("project")(w) if in_body else None
        if numeric_id(str(raw)) is None:
            return []  # the route's validation answers 422
        with w.db.session() as s:
            row = s.get(Conversation, int(raw))
            if row is None:
                raise NotFound(f"no conversation {raw}")
            found = _owned(w, row.project_id, row.user_id, f"conversation {raw}")
        return found + (body("project")(w) or []) if in_body else found

    return locate


def insight(name: str = "insight_id") -> Locator:
    def locate(w: Where) -> list[int] | None:
        raw = str(w.path.get(name))
        if numeric_id(raw) is None:
            return []  # the route's validation answers 422
        with w.db.session() as s:
            row = s.get(FindingRow, int(raw))
            if row is None or not w.who.can_see(row.project_id):
                raise NotFound(f"no insight {raw}")
            return [row.project_id]

    return locate


def feedback(name: str = "feedback_id") -> Locator:
    def locate(w: Where) -> list[int] | None:
        raw = str(w.path.get(name))
        if numeric_id(raw) is None:
            return []  # the route's validation answers 422
        with w.db.session() as s:
            row = s.get(FeedbackRow, int(raw))
            if row is None:
                raise NotFound(f"no feedback {raw}")
            owner = None
            if row.message_id is not None:
                message = s.get(MessageRow, row.message_id)
                conv = s.get(Conversation, message.conversation_id) if message else None
                owner = conv.user_id if conv else None
            return _owned(w, row.project_id, owner, f"feedback {raw}")

    return locate


def message(name: str = "message_id") -> Locator:
    """The conversation (and project) of the message a feedback body names."""

    def locate(w: Where) -> list[int] | None:
        raw = (w.body or {}).get(name)
        if raw in (None, "") or numeric_id(str(raw)) is None:
            return None
        with w.db.session() as s:
            row = s.get(MessageRow, int(raw))
            conv = s.get(Conversation, row.conversation_id) if row else None
            if conv is None:
                raise NotFound(f"no message {raw}")
            return _owned(w, conv.project_id, conv.user_id, f"message {raw}")

    return locate


def _dataset_projects(w: Where, ref: Any) -> list[int] | None:
    if ref in (None, ""):
        return None
    from devlab.training import resolve_dataset

    row = resolve_dataset(w.db, str(ref))
    ids = [int(p) for p in row.project_ids]
    if not all(w.who.can_see(p) for p in ids):
        raise NotFound(f"no dataset {ref!r}")
    return ids


def dataset(name: str = "dataset", *, in_body: bool = False) -> Locator:
    """The projects a dataset was built from (all must be visible)."""

    def locate(w: Where) -> list[int] | None:
        ref = (w.body or {}).get(name) if in_body else w.path.get(name)
        if in_body and name == "suite" and ref in (None, "humaneval"):
            return None  # the built-in suite (the default), not a dataset
        return _dataset_projects(w, ref)

    return locate


def _version_projects(w: Where, version_id: int | None) -> list[int] | None:
    if version_id is None:
        return None
    with w.db.session() as s:
        row = s.get(ModelVersionRow, version_id)
        data = s.get(DatasetRow, row.dataset_id) if row and row.dataset_id else None
        ids = [int(p) for p in data.project_ids] if data else []
    if not all(w.who.can_see(p) for p in ids):
        raise NotFound(f"no model version {version_id}")
    return ids or None


def model_version(name: str = "version", *, in_body: bool = False) -> Locator:
    """The projects of the dataset a model version was trained on (none: ``None``)."""

    def locate(w: Where) -> list[int] | None:
        ref = (w.body or {}).get(name) if in_body else w.path.get(name)
        if ref in (None, ""):
            return None
        from devlab.training import resolve_version

        return _version_projects(w, resolve_version(w.db, str(ref)).id)

    return locate


def training(w: Where) -> list[int] | None:
    """A training request: its dataset's projects, or the run it resumes."""
    data = w.body or {}
    if data.get("resume") not in (None, ""):
        return model_version("resume", in_body=True)(w)
    return dataset(in_body=True)(w)


def evaluation(name: str = "evaluation_id") -> Locator:
    def locate(w: Where) -> list[int] | None:
        raw = str(w.path.get(name) or w.query.get(name) or "")
        if numeric_id(raw) is None:
            return []  # the route's validation answers 422
        with w.db.session() as s:
            row = s.get(EvaluationRow, int(raw))
            if row is None:
                raise NotFound(f"no evaluation {raw}")
            version_id = row.version_id
        return _version_projects(w, version_id)

    return locate


def evaluations(*names: str) -> Locator:
    def locate(w: Where) -> list[int] | None:
        found: list[int] = []
        for name in names:
            found += evaluation(name)(w) or []
        return found or None

    return locate


def row(model: Any, name: str, what: str, *, in_body: bool = False) -> Locator:
    """The project of a row named by its id (a path parameter, or a body field when
    ``in_body``): its project when it has one, else ``None`` (a role on any project).
    For tables whose rows carry a nullable ``project_id`` (test runs, API designs)."""

    def locate(w: Where) -> list[int] | None:
        raw = (w.body or {}).get(name) if in_body else w.path.get(name)
        if raw in (None, ""):
            return None
        if numeric_id(str(raw)) is None:
            return []  # the route's validation answers 422
        with w.db.session() as s:
            found = s.get(model, int(raw))
            if found is None:  # the guard lets an admin through to the route's own 404
                raise NotFound(f"no {what} {raw}")
            project_id = found.project_id
        if project_id is None:
            return None
        if not w.who.can_see(project_id):
            raise NotFound(f"no {what} {raw}")
        return [project_id]

    return locate


def first(*locators: Locator) -> Locator:
    """Every project the locators find together (``None`` when none names one)."""

    def locate(w: Where) -> list[int] | None:
        results = [loc(w) for loc in locators]
        if all(r is None for r in results):
            return None
        return [p for r in results if r for p in r]

    return locate
