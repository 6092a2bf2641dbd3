"""Live API testing against a user's running service, behind an SSRF allow-list.

``check_target`` is the gate every outbound request passes (redirects included):
http/https only; the host's every address is classified, and cloud metadata and
link-local addresses are refused unless ``allow_private``; private ranges only for
a declared base URL (or ``allow_private``); any other host only when it is a
declared base URL. Loopback is allowed by default. Refusals are 403s that name
the rule. ``Budget`` bounds request count, rate and total time.

DNS rebinding: a name is resolved once, by the check, and the request connects to
the address that was checked (``pin``: the URL's host becomes that address, the
``Host`` header and the TLS server name stay the original host, so virtual hosts and
certificate checks work), so a resolver that answers differently on a second lookup
cannot move the request. Environment proxies are ignored for the same reason.

``send_request`` is the seed's ``POST /api/test``: one request, its response
checked against the spec's operation (declared status, response schema).
``test_spec`` runs schemathesis as a library over every operation: property-based
cases, status-code and response-schema conformance and server errors, each
failure with the minimal reproduction as a curl command.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, Field

from devlab.apibuilder.errors import TargetRefused
from devlab.apibuilder.models import ApiModel, Operation
from devlab.errors import InvalidInput

METADATA = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),
}
MAX_BODY = 1_000_000
MAX_REDIRECTS = 5


@dataclass
class AllowList:
    """Where live tests may go: loopback, plus ``base_urls`` the user declared."""

    base_urls: list[str] = field(default_factory=list)
    allow_loopback: bool = True
    allow_private: bool = False

    def declared(self, url: str) -> bool:
        target = urlsplit(url)
        for base in self.base_urls:
            b = urlsplit(base)
            if (b.scheme, b.hostname, b.port) == (target.scheme, target.hostname, target.port):
                return True
        return False


def pin(url: str, address: str) -> tuple[str, str, str]:
    """(``url`` with its host replaced by the checked ``address``, the original
    ``Host`` header value, the original host name for TLS)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host.isascii():
        host = host.encode("idna").decode("ascii")
    ip = f"[{address}]" if ":" in address else address
    netloc = f"{ip}:{parts.port}" if parts.port else ip
    named = f"[{host}]" if ":" in host else host
    header = f"{named}:{parts.port}" if parts.port else named
    return parts._replace(netloc=netloc).geturl(), header, host


def _refuse(rule: str, message: str, url: str) -> TargetRefused:
    return TargetRefused(
        f"target {url} refused by rule '{rule}': {message}", detail={"rule": rule, "url": url}
    )


def check_target(url: str, allow: AllowList) -> str:
    """Raise TargetRefused (403, naming the rule) unless ``url`` may be requested;
    return the checked address to connect to (the first one the host resolved to)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refuse("scheme", "only http:// and https:// URLs with a host", url)
    if parts.username or parts.password:
        raise _refuse("credentials-in-url", "put credentials in headers, not the URL", url)
    declared = allow.declared(url)
    host = parts.hostname.rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
        literal = True
    except ValueError:
        literal = False
    if not declared and not literal and host != "localhost" and not host.endswith(".localhost"):
        raise _refuse(
            "not-allow-listed",
            "only loopback and the declared base URLs "
            f"({', '.join(allow.base_urls) or 'none'}) may be tested",
            url,
        )
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise _refuse("unresolvable", f"cannot resolve {parts.hostname}: {exc}", url) from None
    if not infos:
        raise _refuse("unresolvable", f"{parts.hostname} resolves to no address", url)
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        _check_address(ip, allow, declared, url)
    return str(infos[0][4][0]).split("%")[0]


def _check_address(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allow: AllowList, declared: bool, url: str
) -> None:
    """Refuse ``ip`` by the first rule it breaks (see the module doc)."""
    if ip in METADATA:
        if not allow.allow_private:
            raise _refuse("metadata", f"{ip} is a cloud metadata address", url)
    elif ip.is_loopback:
        if not (allow.allow_loopback or declared):
            raise _refuse("loopback", "loopback targets are disabled", url)
    elif ip.is_link_local:
        if not allow.allow_private:
            raise _refuse("link-local", f"{ip} is link-local", url)
    elif ip.is_private or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
        if not (allow.allow_private or declared):
            raise _refuse(
                "private-network",
                f"{ip} is a private or reserved address; declare the base URL to allow it",
                url,
            )
    elif not declared:
        raise _refuse(
            "not-allow-listed",
            "only loopback and the declared base URLs "
            f"({', '.join(allow.base_urls) or 'none'}) may be tested",
            url,
        )


@dataclass
class Budget:
    """Request count, rate (per second) and total time for one test run."""

    max_requests: int = 200
    per_second: float = 20.0
    seconds: float = 60.0
    used: int = 0
    started: float = field(default_factory=time.monotonic)
    last: float = 0.0

    def take(self) -> None:
        if self.used >= self.max_requests:
            raise BudgetExhausted(f"request budget of {self.max_requests} used up")
        if time.monotonic() - self.started > self.seconds:
            raise BudgetExhausted(f"time budget of {self.seconds:g} s used up")
        wait = self.last + 1.0 / self.per_second - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.last = time.monotonic()
        self.used += 1


class BudgetExhausted(Exception):
    pass


class LiveResult(BaseModel):
    url: str
    method: str
    status: int
    elapsed_ms: float
    headers: dict[str, str]
    body: Any = None
    operation: str = ""
    conforms: bool | None = None
    problems: list[str] = Field(default_factory=list)
    curl: str = ""


def _find_operation(model: ApiModel, method: str, path: str) -> Operation | None:
    parts = [p for p in path.split("/") if p]
    for op in model.operations:
        if op.method != method.lower():
            continue
        segs = [s for s in op.path.split("/") if s]
        if len(segs) == len(parts) and all(
            s.startswith("{") or s == p for s, p in zip(segs, parts, strict=True)
        ):
            return op
    return None


def validate_body(schema: dict[str, Any], body: Any, model: ApiModel) -> list[str]:
    """JSON Schema 2020-12 problems of ``body`` (refs resolve against the model's schemas)."""
    from jsonschema import Draft202012Validator

    root = {**schema, "components": {"schemas": model.schemas}}
    try:
        validator = Draft202012Validator(root)
        return [
            f"{'/'.join(str(p) for p in e.absolute_path) or '(body)'}: {e.message[:300]}"
            for e in list(validator.iter_errors(body))[:20]
        ]
    except Exception as exc:
        return [f"cannot validate against the schema: {type(exc).__name__}: {exc}"[:300]]


def check_response(model: ApiModel, op: Operation, status: int, body: Any) -> list[str]:
    declared = (
        op.responses.get(str(status))
        or op.responses.get(f"{str(status)[0]}XX")
        or op.responses.get("default")
    )
    if declared is None:
        return [
            f"status {status} is not declared for {op.method.upper()} {op.path} "
            f"(declared: {', '.join(sorted(op.responses)) or 'none'})"
        ]
    if declared.body is not None and declared.body.schema_ and "json" in declared.body.content_type:
        return validate_body(declared.body.schema_, body, model)
    return []


def _curl(method: str, url: str, headers: dict[str, str], body: bytes | None) -> str:
    import shlex

    parts = ["curl", "-X", method.upper(), shlex.quote(url)]
    for k, v in headers.items():
        parts += ["-H", shlex.quote(f"{k}: {v}")]
    if body:
        parts += ["--data-binary", shlex.quote(body.decode("utf-8", errors="replace"))]
    return " ".join(parts)


def send_request(
    endpoint: str,
    method: str = "GET",
    params: dict[str, Any] | None = None,
    *,
    allow: AllowList,
    model: ApiModel | None = None,
    base_url: str | None = None,
    headers: dict[str, str] | None = None,
    body: Any = None,
    timeout: float = 10.0,
) -> LiveResult:
    """One request (redirects re-checked), validated against ``model`` when given."""
    import httpx

    method = method.upper()
    if method not in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
        raise InvalidInput(f"method {method!r} is not an HTTP method")
    url = (
        endpoint
        if "://" in endpoint
        else urljoin((base_url or "").rstrip("/") + "/", endpoint.lstrip("/"))
    )
    if "://" not in url:
        raise InvalidInput("endpoint must be a full URL, or a path with base_url")
    content = None
    head = dict(headers or {})
    if body is not None:
        import json

        content = json.dumps(body).encode()
        head.setdefault("Content-Type", "application/json")
    start = time.perf_counter()
    # trust_env=False: a proxy from the environment would resolve the name again
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            address = check_target(url, allow)
            target, host_header, server_name = pin(url, address)
            request = client.build_request(
                method,
                target,
                params=params or None,
                headers={**head, "Host": host_header},
                content=content,
                extensions={"sni_hostname": server_name},
            )
            # the URL as the user wrote it (with the query), for the result and redirects
            shown = str(request.url.copy_with(netloc=host_header.encode("ascii")))
            response = client.send(request, stream=True)
            try:
                data = b""
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > MAX_BODY:
                        break
            finally:
                response.close()
            if response.is_redirect and "location" in response.headers:
                url = urljoin(shown, response.headers["location"])
                continue
            break
        else:
            raise InvalidInput(f"more than {MAX_REDIRECTS} redirects")
    elapsed = (time.perf_counter() - start) * 1000
    parsed = _parse_body(data, response.headers.get("content-type", ""))
    result = LiveResult(
        url=shown,
        method=method,
        status=response.status_code,
        elapsed_ms=round(elapsed, 1),
        headers=dict(response.headers),
        body=parsed,
        curl=_curl(method, shown, head, content),
    )
    if model is not None:
        _check_conformance(result, model, base_url, response.status_code, parsed)
    return result


def _parse_body(data: bytes, content_type: str) -> Any:
    """JSON when the response says so and parses, else the (capped) text."""
    try:
        import json as _json

        parsed: Any = (
            _json.loads(data)
            if data and "json" in content_type
            else data[:MAX_BODY].decode("utf-8", errors="replace")
        )
    except ValueError:
        parsed = data[:MAX_BODY].decode("utf-8", errors="replace")
    return parsed


def _check_conformance(
    result: LiveResult, model: ApiModel, base_url: str | None, status: int, parsed: Any
) -> None:
    """Mark ``result`` with the spec operation its URL matches and the problems of the
    response against it (the path is taken relative to ``base_url``'s path)."""
    url = result.url
    op = _find_operation(
        model,
        result.method,
        urlsplit(url).path[len(urlsplit(base_url or "").path.rstrip("/")) :]
        if base_url
        else urlsplit(url).path,
    )
    if op is None:
        result.conforms, result.problems = False, ["no operation of the spec matches"]
    else:
        result.operation = op.operation_id
        result.problems = check_response(model, op, status, parsed)
        result.conforms = not result.problems


__all__ = [
    "AllowList",
    "Budget",
    "BudgetExhausted",
    "LiveResult",
    "check_response",
    "check_target",
    "pin",
    "send_request",
    "validate_body",
]
