"""The FastAPI app factory: mounts each capability's router (datasette-style)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI

from devlab import __version__
from devlab.config import Settings
from devlab.server.errors import ERROR_RESPONSES, install_error_handlers
from devlab.workbench import Workbench


def create_app(
    settings: Settings, *, open_local: bool | None = None, permission_probe: bool = False
) -> FastAPI:
    """Build the app for ``settings``; the store opens (and migrates) at start-up.

    Every route passes the access check (``devlab.auth.guard``). ``open_local``: while
    no account exists, requests without credentials act as the single local user; by
    default only when the server binds a loopback address (``devlab serve`` refuses a
    public address until an admin exists). ``permission_probe`` (tests): a request with
    ``X-DevLab-Probe: 1`` is answered 200 right after the access check, without running
    the route."""
    from devlab.auth.guard import access_state, authorize_message, guard
    from devlab.auth.network import is_loopback
    from devlab.auth.openapi import add_security
    from devlab.server.docs import install_local_docs
    from devlab.server.guards import RequestGuards

    app = FastAPI(
        title="DevLab",
        version=__version__,
        description="A self-hosted AI workbench: code index, search and more.",
        lifespan=_lifespan(settings),
        docs_url=None,  # /docs and /redoc from local assets (server/docs.py)
        redoc_url=None,
        responses=ERROR_RESPONSES,  # every route documents its error answers
        dependencies=[Depends(guard)],
    )
    app.state.access = access_state(
        settings,
        open_local=is_loopback(settings.host) if open_local is None else open_local,
        probe=permission_probe,
    )
    app.state.authorize_message = authorize_message  # devlab.webtools asks it
    install_local_docs(app)
    install_error_handlers(app)
    app.add_middleware(RequestGuards, settings=settings)  # Host, Origin, Content-Type
    for router in _routers():
        app.include_router(router)
    add_security(app)
    return app


def _lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start-up opens the Workbench and recovers from a crash (jobs left running are
    marked failed, half-written ingestions rolled back); shutdown closes everything."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from devlab.auth.retention import PurgeTimer
        from devlab.codebase import recover_interrupted
        from devlab.sandbox import shutdown_pool

        bench = app.state.workbench = Workbench.open(settings)
        bench.jobs.recover()
        recover_interrupted(bench.db, settings)
        purger = PurgeTimer(bench.db, settings).start()
        try:
            yield
        finally:
            purger.stop()
            bench.close()
            # the sandbox's cgroup roots go on every shutdown path (uvicorn re-raises
            # SIGTERM after this, so atexit would not run)
            shutdown_pool()

    return lifespan


def _routers() -> list[APIRouter]:
    """Every door, in mounting order (the API Builder's page before the workbench's
    catch-all ``/devlab/{page}``)."""
    from devlab.apibuilder import routes as apibuilder
    from devlab.auth import routes as access
    from devlab.companion import routes as companion
    from devlab.insights import routes as insights
    from devlab.reverse import routes as reverse
    from devlab.sandbox import history_routes as snippets
    from devlab.sandbox import routes as sandbox
    from devlab.search import project_routes as projects
    from devlab.search import routes as search
    from devlab.server import health, jobs, llm, ui
    from devlab.testing import routes as testing
    from devlab.training import routes as training
    from devlab.training.datasets import routes as datasets

    return [
        apibuilder.router,
        apibuilder.page_router,
        health.router,
        jobs.router,
        search.ingest_router,
        projects.router,
        search.router,
        sandbox.router,
        snippets.router,
        reverse.router,
        insights.analysis_router,
        insights.router,
        companion.router,
        llm.router,
        datasets.router,
        training.router,
        testing.router,
        testing.seed_router,
        ui.router,
        access.router,
        reverse.snippet_router,
    ]


__all__ = ["create_app"]
