"""The FastAPI app factory: mounts each capability's router (datasette-style)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from devlab import __version__
from devlab.config import Settings
from devlab.server.errors import install_error_handlers
from devlab.workbench import Workbench


def create_app(settings: Settings) -> FastAPI:
    """Build the app for ``settings``; the store opens (and migrates) at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.workbench = Workbench.open(settings, recover=True)
        try:
            yield
        finally:
            app.state.workbench.close()

    app = FastAPI(
        title="DevLab",
        version=__version__,
        description="A self-hosted AI workbench: code index, search and more.",
        lifespan=lifespan,
    )
    install_error_handlers(app)

    from devlab.codebase.routes import router as projects_router
    from devlab.companion.routes import router as companion_router
    from devlab.insights.routes import router as insights_router
    from devlab.jobs.routes import router as jobs_router
    from devlab.llm.routes import router as llm_router
    from devlab.reverse.routes import router as reverse_router
    from devlab.sandbox.history_routes import router as snippets_router
    from devlab.sandbox.routes import router as sandbox_router
    from devlab.search.routes import router as search_router
    from devlab.server.health import router as health_router
    from devlab.server.ui import router as ui_router
    from devlab.training.datasets.routes import router as datasets_router
    from devlab.training.routes import router as training_router

    for router in (
        health_router,
        jobs_router,
        projects_router,
        search_router,
        sandbox_router,
        snippets_router,
        reverse_router,
        insights_router,
        companion_router,
        llm_router,
        datasets_router,
        training_router,
        ui_router,
    ):
        app.include_router(router)
    return app


__all__ = ["create_app"]
