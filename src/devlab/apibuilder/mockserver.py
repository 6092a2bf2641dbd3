"""A mock HTTP server for one spec, standard library only.

It runs in two places: inside the sandbox next to a generated SDK's smoke test
(``python3 mockserver.py routes.json PORT``), and behind ``devlab api mock``.
Routes come from ``devlab.apibuilder.mock.build_routes``: per operation the path
template, the required query/header parameters and body fields it checks (a
request missing one gets a 400 naming it), and the example response it answers
(schema-conformant, deterministic). Unknown paths get 404, unknown methods 405.
"""

from __future__ import annotations

import json
import sys
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

MAX_BODY = 1_000_000


def _match(segments: list[str], parts: list[str]) -> bool:
    if len(segments) != len(parts):
        return False
    for seg, part in zip(segments, parts, strict=True):
        if seg.startswith("{") and seg.endswith("}"):
            if not part:
                return False
        elif "{" in seg:  # a template inside a segment, e.g. "{id}.json"
            head, tail = seg.split("{", 1)[0], seg.rsplit("}", 1)[-1]
            if not (part.startswith(head) and part.endswith(tail)):
                return False
        elif seg != part:
            return False
    return True


def _problems(route: dict, query: dict, headers: Message, body: bytes, ctype: str) -> list[str]:
    problems = [
        f"missing query parameter {name!r}" for name in route.get("query", []) if name not in query
    ]
    problems += [
        f"missing header {name!r}" for name in route.get("headers", []) if headers.get(name) is None
    ]
    if route.get("body_required") and not body:
        problems.append("missing request body")
    if body and route.get("body_kind") == "json":
        if "json" not in ctype:
            problems.append(f"request body must be JSON, got Content-Type {ctype!r}")
        else:
            try:
                data = json.loads(body)
            except ValueError:
                return [*problems, "request body is not valid JSON"]
            if isinstance(data, dict):
                problems += [
                    f"missing body field {f!r}" for f in route.get("fields", []) if f not in data
                ]
    return problems


def make_handler(routes: list[dict], log: bool = False) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            if log:
                super().log_message(format, *args)

        def _send(self, status: int, payload: object, ctype: str = "application/json") -> None:
            data = b""
            if payload is not None and status != 204:
                data = (json.dumps(payload) if "json" in ctype else str(payload)).encode()
            self.send_response(status)
            if data:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data and self.command != "HEAD":
                self.wfile.write(data)

        def _handle(self) -> None:
            url = urlsplit(self.path)
            path = url.path
            prefix = routes[0].get("prefix", "") if routes else ""
            if prefix and (path == prefix or path.startswith(prefix + "/")):
                path = path[len(prefix) :] or "/"
            parts = [unquote(p) for p in path.split("/")[1:]] if path != "/" else []
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(413, {"error": "request body too large", "status": 413})
                return
            body = self.rfile.read(length) if length else b""
            candidates = [r for r in routes if _match(r["segments"], parts)]
            if not candidates:
                self._send(404, {"error": f"no route for {url.path}", "status": 404})
                return
            query = parse_qs(url.query, keep_blank_values=True)
            same = [
                r
                for r in candidates
                if r["method"] == self.command
                and all(v in query.get(k, []) for k, v in r.get("literal_query", {}).items())
            ]
            if not same:
                self._send(405, {"error": f"{self.command} not allowed", "status": 405})
                return
            ctype = self.headers.get("Content-Type") or ""
            # several operations on one path (pseudo paths): the first the request satisfies
            checked = [(r, _problems(r, query, self.headers, body, ctype)) for r in same]
            route, problems = next(((r, p) for r, p in checked if not p), checked[0])
            if problems:
                self._send(400, {"error": "; ".join(problems), "status": 400})
                return
            self._send(
                route["status"], route.get("body"), route.get("content_type") or "application/json"
            )

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    return Handler


def serve(
    routes: list[dict], host: str = "127.0.0.1", port: int = 8765, log: bool = False
) -> ThreadingHTTPServer:
    """A started-but-not-serving server; call ``serve_forever()`` on it."""
    server = ThreadingHTTPServer((host, port), make_handler(routes, log))
    server.daemon_threads = True
    return server


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        table = json.load(fh)
    srv = serve(table, "127.0.0.1", int(sys.argv[2]))
    print("mock ready", flush=True)
    srv.serve_forever()
