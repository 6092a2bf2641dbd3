"""A shared server's world for the access tests: an admin, three members of project
``own`` (viewer, developer, maintainer), an outsider, a project ``other`` nobody of them
is in, and one row of each kind (job, conversation, feedback, insight, dataset, model
version, evaluation, test run, API design) in each
project, written straight into a real store."""

from __future__ import annotations

from dataclasses import dataclass, field

from devlab.auth import tokens, users
from devlab.codebase.ingest import get_or_create_project
from devlab.store.db import Database
from devlab.store.models import (
    ApiDesignRow,
    Conversation,
    DatasetRow,
    EvaluationRow,
    FeedbackRow,
    FindingRow,
    Job,
    MessageRow,
    ModelVersionRow,
    TestRunRow,
)

PASSWORD = "correct horse battery"
ROLES = ("viewer", "developer", "maintainer")


@dataclass
class Resources:
    """Ids of the rows of one project."""

    project: str
    project_id: int
    job: str = ""
    conversation: int = 0
    message: int = 0
    feedback: int = 0
    insight: int = 0
    dataset: str = ""
    version: str = ""
    evaluation: int = 0
    test_run: int = 0
    design: int = 0


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)  # who -> bearer token
    own: Resources | None = None
    other: Resources | None = None


def _rows(db: Database, name: str) -> Resources:
    pid = get_or_create_project(db, name, "/nowhere")
    res = Resources(project=name, project_id=pid)
    with db.session() as s:
        job = Job(id=f"job-{name}", kind="ingest", project_id=pid, status="succeeded")
        conv = Conversation(project_id=pid, kind="chat", title="t")
        s.add_all([job, conv])
        s.flush()
        msg = MessageRow(conversation_id=conv.id, role="assistant", content="hi")
        s.add(msg)
        s.flush()
        fb = FeedbackRow(
            message_id=msg.id,
            rating="up",
            action="chat",
            answer="hi",
            model_version="base",
            project_id=pid,
        )
        finding = FindingRow(
            project_id=pid,
            fingerprint=f"fp-{name}",
            phase="security",
            category="security",
            rule_id="r",
            title="t",
            message="m",
            severity="high",
            confidence="high",
            path="a.py",
            start_line=1,
            end_line=1,
            reachability="unknown",
            score=1.0,
            first_seen_snapshot_id=0,
            last_seen_snapshot_id=0,
            first_seen_analysis_id=0,
            last_seen_analysis_id=0,
        )
        data = DatasetRow(
            name=f"ds-{name}", version=1, project_ids=[pid], path=f"datasets/ds-{name}/1"
        )
        s.add_all([fb, finding, data])
        s.flush()
        version = ModelVersionRow(name=f"m-{name}", version=1, dataset_id=data.id, status="ready")
        s.add(version)
        s.flush()
        evaluation = EvaluationRow(model=f"m-{name}@v1", version_id=version.id, suite="humaneval")
        s.add(evaluation)
        run = TestRunRow(project_id=pid, kind="coverage", status="succeeded", summary={})
        design = ApiDesignRow(name=f"api-{name}", project_id=pid)
        s.add_all([run, design])
        s.flush()
        res.test_run, res.design = run.id, design.id
        res.job, res.conversation, res.message = job.id, conv.id, msg.id
        res.feedback, res.insight = fb.id, finding.id
        res.dataset, res.version, res.evaluation = data.name, f"m-{name}@v1", evaluation.id
    return res


def build_world(db: Database) -> World:
    world = World()
    users.create_user(db, "admin", PASSWORD, is_admin=True)
    world.tokens["admin"] = tokens.create_token(
        db, "admin", scopes=["read", "write", "admin"]
    ).token
    world.own, world.other = _rows(db, "own"), _rows(db, "other")
    for role in (*ROLES, "outsider"):
        users.create_user(db, role, PASSWORD)
        world.tokens[role] = tokens.create_token(db, role).token
        if role in ROLES:
            users.set_member(db, world.own.project_id, role, role)
    users.create_user(db, "victim", PASSWORD)
    return world
