"""Two browser-side rules of the JavaScript security engine (no data flow needed):

* **CWE-940, a message handler that never checks the sender**: ``window.addEventListener
  ("message", handler)`` or ``window.onmessage = handler`` where the handler never reads
  the event's ``origin``: any page that holds a reference to the window (an opener, a
  frame) can send it messages it then acts on. A worker's ``self.onmessage`` is not
  reported (only its creator can post to it).
* **CWE-319, content loaded over cleartext HTTP**: ``fetch("http://...")``,
  ``axios.get("http://...")``, ``xhr.open(method, "http://...")`` with a literal
  ``http://`` URL to a host other than the loopback one: anyone on the network path can
  read or change what is loaded.

Used by the JS scan (``security_ts_js.JSScan`` and its sink layer); kept apart so the
scan stays the taint walk.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from devlab.reverse.security_ts_core import FileAnalysis

FUNCTION_NODES = ("function_expression", "function", "arrow_function", "function_declaration")
CLEAR_URL = re.compile(r"^http://(?!(?:localhost|127\.0\.0\.1|\[::1\])(?:[:/]|$))[^\s$]")
FETCHERS = {"fetch", "window.fetch", "globalThis.fetch", "self.fetch"}
HTTP_VERBS = {"get", "post", "put", "patch", "delete", "head", "request"}


def _literal(fa: FileAnalysis, node: Node | None) -> str | None:
    """The text of a string literal or of a template without substitutions."""
    if node is None or node.type not in ("string", "template_string"):
        return None
    if node.type == "template_string" and node.named_children:
        # a substitution after the host still leaves the scheme and host literal
        text = fa.text(node)[1:-1]
        return text.split("${", 1)[0]
    return fa.text(node)[1:-1]


def cleartext_url(fa: FileAnalysis, node: Node | None) -> str | None:
    """The URL when ``node`` is a literal ``http://`` URL to a non-loopback host."""
    text = _literal(fa, node)
    if text is None or not CLEAR_URL.match(text):
        return None
    return text[:120]


def cleartext_call(
    fa: FileAnalysis, node: Node, q: str, method: str, recv_text: str, args: list[Node]
) -> None:
    """``fetch`` / axios / XMLHttpRequest ``open`` of a literal http:// URL."""
    url: str | None = None
    axios = q == "axios" or (q.startswith("axios.") and method in HTTP_VERBS)
    if (q in FETCHERS or axios) and args:
        url = cleartext_url(fa, args[0])
    elif method == "open" and len(args) >= 2 and b"XMLHttpRequest" in fa.src and recv_text:
        url = cleartext_url(fa, args[1])
    if url is None:
        return
    fa.config(
        "CLEARTEXT",
        "CWE-319",
        "Content loaded over cleartext HTTP",
        node,
        f"{url} is fetched over plain HTTP: anyone on the network path can read or change it.",
        "medium",
        "high",
        "Use https:// (or a scheme-relative URL on an https page).",
        None,
    )


def _function_of(fa: FileAnalysis, handler: Node) -> Node | None:
    if handler.type in FUNCTION_NODES:
        return handler
    if handler.type == "identifier":  # a function of the file, by name
        return fa.functions.get(fa.text(handler))
    return None


def reads_origin(fa: FileAnalysis, fn: Node) -> bool:
    """Whether the handler looks at who sent the message: it reads an ``origin`` (the
    event's, destructured, a helper's argument) or compares the event's ``source`` window
    (``e.source !== frame.contentWindow``). Any mention counts: a handler that names the
    origin at all is left to review, not reported."""
    text = fa.text(fn)
    return re.search(r"\borigin\b|\.source\s*[!=]==?|[!=]==?\s*\w+\.source\b", text) is not None


def message_handler(fa: FileAnalysis, node: Node, handler: Node | None, how: str) -> None:
    """Report ``node`` when ``handler`` (a function, or a function of the file by name)
    never reads the message's origin."""
    if handler is None:
        return
    fn = _function_of(fa, handler)
    if fn is None or reads_origin(fa, fn):
        return
    fa.config(
        "ORIGIN",
        "CWE-940",
        "Message handler without an origin check",
        node,
        f"{how}: the handler never checks event.origin, so any window that can reach this "
        "one (an opener, a frame) can send it messages it acts on.",
        "medium",
        "medium",
        "Compare event.origin with the expected origin(s) before using event.data.",
        None,
    )
