"""The FastAPI app factory: mounts each capability's router (datasette-style)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

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
    public address until an admin exists)."""
    from devlab.auth.guard import access_state, authorize_message, guard
    from devlab.auth.network import is_loopback

    # permission_probe (tests): a request with X-DevLab-Probe: 1 is answered 200 right
    # after the access check, without running the route.

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from devlab.auth.retention import PurgeTimer
        from devlab.codebase.ingest import recover_interrupted

        bench = app.state.workbench = Workbench.open(settings)
        bench.jobs.recover()  # a crash left jobs queued or running: mark them failed
        recover_interrupted(bench.db, settings)  # and ingestions half-written: roll back
        purger = PurgeTimer(app.state.workbench.db, settings).start()
        try:
            yield
        finally:
            purger.stop()
            app.state.workbench.close()
            # Issue 13: the sandbox's cgroup roots go on every shutdown path
            # (uvicorn re-raises SIGTERM after this, so atexit would not run).
            from devlab.sandbox.cgroups import shutdown_pool

            shutdown_pool()

    app = FastAPI(
        title="DevLab",
        version=__version__,
        description="A self-hosted AI workbench: code index, search and more.",
        lifespan=lifespan,
        docs_url=None,  # issue 13: /docs and /redoc from local assets (server/docs.py)
        redoc_url=None,
        responses=ERROR_RESPONSES,  # issue 13: every route documents its error answers
        dependencies=[Depends(guard)],
    )
    app.state.access = access_state(
        settings,
        open_local=is_loopback(settings.host) if open_local is None else open_local,
        probe=permission_probe,
    )
    app.state.authorize_message = authorize_message  # devlab.webtools asks it
    from devlab.server.docs import install_local_docs

    install_local_docs(app)
    install_error_handlers(app)
    from devlab.server.guards import RequestGuards  # issue 13: Host/Origin/Content-Type

    app.add_middleware(RequestGuards, settings=settings)

    from devlab.apibuilder.routes import page_router as api_page_router
    from devlab.apibuilder.routes import router as apibuilder_router
    from devlab.auth.routes import router as access_router
    from devlab.codebase.routes import router as projects_router
    from devlab.companion.routes import router as companion_router
    from devlab.insights.routes import analysis_router
    from devlab.insights.routes import router as insights_router
    from devlab.llm.routes import router as llm_router
    from devlab.reverse.routes import router as reverse_router
    from devlab.reverse.routes import snippet_router
    from devlab.sandbox.history_routes import router as snippets_router
    from devlab.sandbox.routes import router as sandbox_router
    from devlab.search.routes import ingest_router
    from devlab.search.routes import router as search_router
    from devlab.server.health import router as health_router
    from devlab.server.jobs import router as jobs_router
    from devlab.server.ui import router as ui_router
    from devlab.testing.routes import router as testing_router  # issue 15
    from devlab.testing.routes import seed_router as testing_seed_router  # issue 15
    from devlab.training.datasets.routes import router as datasets_router
    from devlab.training.routes import router as training_router

    # the API Builder page goes before the workbench's catch-all /devlab/{page}
    app.include_router(apibuilder_router)
    app.include_router(api_page_router)

    for router in (
        health_router,
        jobs_router,
        ingest_router,
        projects_router,
        search_router,
        sandbox_router,
        snippets_router,
        reverse_router,
        analysis_router,
        insights_router,
        companion_router,
        llm_router,
        datasets_router,
        training_router,
        testing_router,  # issue 15
        testing_seed_router,  # issue 15
        ui_router,
        access_router,
        snippet_router,
    ):
        app.include_router(router)

    from devlab.auth.openapi import add_security

    add_security(app)
    return app


__all__ = ["create_app"]
