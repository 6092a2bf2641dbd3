"""FastAPI dependencies: the app's Workbench."""

from __future__ import annotations

from fastapi import Request

from devlab.workbench import Workbench


def workbench(request: Request) -> Workbench:
    return request.app.state.workbench
