"""The OpenAPI document names its security once, however many first requests race."""

from __future__ import annotations

import threading

from devlab.auth.rules import RULES
from devlab.config import load_settings
from devlab.server.app import create_app


def test_racing_first_builds_annotate_the_document_once(tmp_path):
    app = create_app(load_settings(home=tmp_path / "home"))
    barrier = threading.Barrier(6)
    seen: list[dict] = []

    def first_request() -> None:
        barrier.wait()
        seen.append(app.openapi())

    threads = [threading.Thread(target=first_request) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 6 and all(doc is seen[0] for doc in seen)
    doc = seen[0]
    assert set(doc["components"]["securitySchemes"]) == {"bearerToken", "sessionCookie"}
    guarded = 0
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            notes = operation.get("description", "").count("Needs: ")
            rule = RULES.get(f"{method.upper()} {path}")
            if rule is None or rule.role == "public":
                assert operation["security"] == [] and notes == 0, path
            else:
                guarded += 1
                assert notes == 1, (path, operation["description"])
    assert guarded > 50
