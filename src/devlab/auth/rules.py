"""The access rule of every route, in one table the permission-matrix test reads.

A route is ``"METHOD /path"`` as FastAPI lists it (websockets: ``"WS /path"``). A route
without a rule is refused at run time (fail closed) and fails the test suite, so a new
route is one line here::

    "POST /api/v1/devlab/testing/generate": Rule("developer", body("project")),

Roles, lowest first: ``public`` (no sign-in), ``user`` (signed in; the route filters
what it returns to the caller's projects), ``viewer`` (search, read findings, chat),
``developer`` (+ run code, generate, analyse, build datasets), ``maintainer`` (+ train,
evaluate, activate models, manage members), ``admin`` (users, settings, audit). With a
locator the role is needed on each project it finds; with none, or when the request
names no project, the caller needs that role on at least one project.
"""

from __future__ import annotations

from dataclasses import dataclass

from devlab.auth import locate as loc
from devlab.auth.locate import Locator
from devlab.store import ApiDesignRow, TestRunRow

LEVELS: tuple[str, ...] = ("public", "user", "viewer", "developer", "maintainer", "admin")


@dataclass(frozen=True)
class Rule:
    role: str
    project: Locator | None = None
    # what the request spends besides itself: "sandbox" (refused while the user's or the
    # project's sandbox time is used up; every sandbox run on any route, and in the jobs
    # it starts, is charged its measured time) or "ingest" (the project's storage quota)
    meter: str | None = None

    def __post_init__(self) -> None:
        if self.role not in LEVELS:
            raise ValueError(f"unknown role {self.role!r}: one of {', '.join(LEVELS)}")


P = "/api/v1/devlab"
TEST_RUN = loc.row(TestRunRow, "run_id", "test run")
DESIGN = loc.row(ApiDesignRow, "design_id", "API design")
DESIGN_IN_BODY = loc.row(ApiDesignRow, "design_id", "API design", in_body=True)
PUBLIC = Rule("public")
USER = Rule("user")

RULES: dict[str, Rule] = {
    "GET /": PUBLIC,
    "GET /api/v1/health": PUBLIC,
    # the API documentation, served from local assets
    "GET /docs": PUBLIC,
    "GET /docs/oauth2-redirect": PUBLIC,
    "GET /redoc": PUBLIC,
    # the web workbench's pages and assets (the data they show comes through the API)
    "GET /devlab": PUBLIC,
    "GET /devlab/": PUBLIC,
    "GET /devlab/{page}": PUBLIC,
    "GET /devlab/assets/{name}": PUBLIC,
    "GET /devlab/favicon.svg": PUBLIC,
    "GET /favicon.ico": PUBLIC,
    "GET /devlab/api": PUBLIC,
    "GET /devlab/api/static/{name}": PUBLIC,
    # access itself (auth/routes.py)
    f"POST {P}/auth/login": PUBLIC,
    f"POST {P}/auth/logout": PUBLIC,
    f"GET {P}/auth/me": USER,
    f"GET {P}/auth/methods": PUBLIC,
    f"GET {P}/auth/oidc/login": PUBLIC,
    f"GET {P}/auth/oidc/callback": PUBLIC,
    f"GET {P}/tokens": USER,
    f"POST {P}/tokens": USER,
    f"DELETE {P}/tokens/{{token_id}}": USER,
    f"GET {P}/users": Rule("admin"),
    f"POST {P}/users": Rule("admin"),
    f"POST {P}/users/{{name}}/disable": Rule("admin"),
    f"POST {P}/users/{{name}}/enable": Rule("admin"),
    f"GET {P}/projects/{{project}}/members": Rule("viewer", loc.path()),
    f"PUT {P}/projects/{{project}}/members": Rule("maintainer", loc.path()),
    f"DELETE {P}/projects/{{project}}/members/{{user}}": Rule("maintainer", loc.path()),
    f"GET {P}/audit": Rule("admin"),
    f"POST {P}/admin/purge": Rule("admin"),
    f"GET {P}/audit/export": Rule("admin"),
    f"GET {P}/audit/verify": Rule("admin"),
    # jobs: a job of a project needs a role on it; a job without one, its owner
    f"GET {P}/jobs": USER,
    f"GET {P}/jobs/{{job_id}}": Rule("viewer", loc.job()),
    f"GET {P}/jobs/{{job_id}}/logs": Rule("viewer", loc.job()),
    f"POST {P}/jobs/{{job_id}}/cancel": Rule("developer", loc.job()),
    f"GET {P}/jobs/{{job_id}}/events": Rule("viewer", loc.job()),
    # projects and search
    f"POST {P}/projects": Rule("developer", loc.new_project, meter="ingest"),
    f"GET {P}/projects": USER,
    f"GET {P}/projects/{{project}}": Rule("viewer", loc.path()),
    f"DELETE {P}/projects/{{project}}": Rule("maintainer", loc.path()),
    f"GET {P}/projects/{{project}}/snapshots": Rule("viewer", loc.path()),
    f"GET {P}/projects/{{project}}/files": Rule("viewer", loc.path()),
    f"GET {P}/projects/{{project}}/file": Rule("viewer", loc.path()),
    f"POST {P}/search": Rule("viewer", loc.body("project")),
    f"GET {P}/projects/{{project}}/symbols": Rule("viewer", loc.path()),
    f"GET {P}/projects/{{project}}/repo-map": Rule("viewer", loc.path()),
    f"GET {P}/projects/{{project}}/definitions": Rule("viewer", loc.path()),
    f"GET {P}/projects/{{project}}/references": Rule("viewer", loc.path()),
    f"GET {P}/projects/{{project}}/callers": Rule("viewer", loc.path()),
    f"GET {P}/projects/{{project}}/callees": Rule("viewer", loc.path()),
    # sandbox
    f"POST {P}/execute": Rule("developer", meter="sandbox"),
    f"GET {P}/execute/languages": USER,
    f"GET {P}/execute/limits": USER,
    f"WS {P}/execute/stream": Rule("developer", meter="sandbox"),
    # snippet version history (the workbench's sandbox page): code to run, so developer
    f"GET {P}/snippets": Rule("developer"),
    f"GET {P}/snippets/{{name}}/versions": Rule("developer"),
    f"POST {P}/snippets/{{name}}/versions": Rule("developer"),
    f"GET {P}/snippets/{{name}}/versions/{{version}}": Rule("developer"),
    f"GET {P}/snippets/{{name}}/diff": Rule("developer"),
    f"POST {P}/snippets/{{name}}/versions/{{version}}/restore": Rule("developer"),
    # Testing & QA Lab: runs the project's tests in the sandbox
    f"POST {P}/testing/coverage": Rule("developer", loc.body("project"), meter="sandbox"),
    f"GET {P}/testing/coverage": Rule("viewer", loc.query("project")),
    f"GET {P}/testing/coverage/{{run_id}}": Rule("viewer", TEST_RUN),
    f"POST {P}/testing/generate": Rule("developer", loc.body("project"), meter="sandbox"),
    f"POST {P}/testing/mutation": Rule("developer", loc.body("project"), meter="sandbox"),
    f"POST {P}/testing/plan": Rule("developer", loc.body("project")),
    f"POST {P}/testing/chaos": Rule("developer", loc.body("project"), meter="sandbox"),
    f"GET {P}/testing/chaos/scenarios": USER,
    f"GET {P}/testing/runs": Rule("viewer", loc.query("project")),
    f"GET {P}/testing/runs/{{run_id}}": Rule("viewer", TEST_RUN),
    f"POST {P}/generate/tests": Rule("developer", loc.body("project"), meter="sandbox"),
    # API Builder: parsing and diffs are pure; SDK proofs run in the sandbox; live tests
    # send requests out (allow-listed), so developer
    f"POST {P}/api/parse-schema": USER,
    f"POST {P}/api/diff": USER,
    f"POST {P}/api/lint": Rule("viewer", DESIGN_IN_BODY),
    # writes the lint into the project's insights feed (like an analysis)
    f"POST {P}/api/lint/insights": Rule(
        "developer", loc.first(DESIGN_IN_BODY, loc.body("project_id"))
    ),
    f"POST {P}/api/generate-sdk": Rule("developer", DESIGN_IN_BODY, meter="sandbox"),
    f"POST {P}/api/test": Rule("developer", DESIGN_IN_BODY),
    f"POST {P}/api/test-spec": Rule("developer", DESIGN_IN_BODY),
    f"POST {P}/api/suggest": Rule("developer", DESIGN_IN_BODY),  # a language-model request
    f"GET {P}/api/designs": Rule("user", loc.query("project_id")),
    f"POST {P}/api/designs": Rule("developer", loc.body("project_id")),
    f"GET {P}/api/designs/{{design_id}}": Rule("viewer", DESIGN),
    f"DELETE {P}/api/designs/{{design_id}}": Rule("developer", DESIGN),
    f"POST {P}/api/designs/{{design_id}}/edits": Rule("developer", DESIGN),
    f"POST {P}/api/designs/{{design_id}}/undo": Rule("developer", DESIGN),
    f"GET {P}/api/designs/{{design_id}}/diff": Rule("viewer", DESIGN),
    f"GET {P}/api/designs/{{design_id}}/lint": Rule("viewer", DESIGN),
    f"POST {P}/api/designs/{{design_id}}/lint": Rule("developer", DESIGN),
    f"POST {P}/api/designs/{{design_id}}/try": Rule("developer", DESIGN),
    # analysis and insights
    f"POST {P}/analyze": Rule("developer"),
    f"POST {P}/reverse/analyze": Rule(
        "developer", loc.first(loc.body("project_id", "project"), loc.new_project), meter="ingest"
    ),
    f"POST {P}/reverse/detect-vulnerabilities": Rule(
        "developer", loc.body("project_id", "project")
    ),
    f"POST {P}/reverse/generate-diagram": Rule("viewer", loc.body("project", "project_id")),
    f"GET {P}/insights": Rule("viewer", loc.query("project_id")),
    f"GET {P}/insights/sarif": Rule("viewer", loc.query("project_id")),
    f"GET {P}/insights/{{insight_id}}": Rule("viewer", loc.insight()),
    f"PATCH {P}/insights/{{insight_id}}": Rule("developer", loc.insight()),
    f"POST {P}/insights/generate": Rule("developer", loc.body("project_id", "project")),
    # companion
    f"POST {P}/companion/chat": Rule("viewer", loc.conversation(in_body=True)),
    f"WS {P}/companion/stream": Rule("viewer"),
    f"POST {P}/companion/suggest": Rule("developer", loc.body("project")),
    f"POST {P}/companion/find-bugs": Rule("developer", loc.body("project")),
    f"GET {P}/companion/conversations": Rule("user", loc.query("project")),
    f"GET {P}/companion/conversations/{{conversation_id}}": Rule("viewer", loc.conversation()),
    f"DELETE {P}/companion/conversations/{{conversation_id}}": Rule("viewer", loc.conversation()),
    f"POST {P}/explain": Rule("viewer", loc.body("project")),
    f"POST {P}/generate/fix": Rule("developer", loc.body("project")),
    f"POST {P}/generate/refactor": Rule("developer", loc.body("project")),
    f"POST {P}/generate/translate": Rule("developer", loc.body("project")),
    f"POST {P}/generate/code": Rule("developer", loc.body("project"), meter="sandbox"),
    f"POST {P}/generate/code/{{conversation_id}}/resume": Rule(
        "developer", loc.conversation(), meter="sandbox"
    ),
    f"POST {P}/feedback": Rule("viewer", loc.message()),
    f"PATCH {P}/feedback/{{feedback_id}}": Rule("viewer", loc.feedback()),
    f"GET {P}/feedback": USER,
    # language models
    f"GET {P}/usage": Rule("admin"),
    f"GET {P}/llm/providers": USER,
    f"GET {P}/llm/prompts": USER,
    # datasets, training, evaluation, registry
    f"POST {P}/datasets": Rule("developer", loc.body("project", "projects"), meter="sandbox"),
    f"GET {P}/datasets": USER,
    f"GET {P}/datasets/{{dataset}}": Rule("viewer", loc.dataset()),
    f"DELETE {P}/datasets/{{dataset}}": Rule("maintainer", loc.dataset()),
    f"GET {P}/datasets/{{dataset}}/examples": Rule("viewer", loc.dataset()),
    f"GET {P}/datasets/{{dataset}}/export": Rule("viewer", loc.dataset()),
    f"GET {P}/datasets/{{dataset}}/plots/{{name}}": Rule("viewer", loc.dataset()),
    f"POST {P}/training/runs": Rule("maintainer", loc.training),
    f"GET {P}/training/runs/{{run_id}}": Rule("viewer", loc.model_version("run_id")),
    f"POST {P}/evaluations": Rule(
        "maintainer", loc.dataset("suite", in_body=True), meter="sandbox"
    ),
    f"GET {P}/evaluations/compare": Rule("viewer", loc.evaluations("a", "b")),
    f"GET {P}/evaluations/{{evaluation_id}}": Rule("viewer", loc.evaluation()),
    f"GET {P}/models": USER,
    f"GET {P}/models/acceptance": Rule("viewer"),
    f"GET {P}/models/{{version}}/lineage": Rule("viewer", loc.model_version()),
    f"POST {P}/models/{{version}}/activate": Rule("maintainer", loc.model_version()),
    f"POST {P}/models/rollback/{{task}}": Rule("maintainer"),
}


# Websockets: the first message names the project; the handler checks it against this.
MESSAGE_RULES: dict[str, Rule] = {
    f"WS {P}/companion/stream": Rule("viewer", loc.conversation(in_body=True)),
}


def rule_for(key: str) -> Rule | None:
    return RULES.get(key)


__all__ = ["LEVELS", "MESSAGE_RULES", "PUBLIC", "RULES", "USER", "Rule", "rule_for"]
