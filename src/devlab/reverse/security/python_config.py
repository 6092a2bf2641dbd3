"""Configuration rules of the Python walk: cookies (CWE-614 / 1004), weak hashes of data
that needs a strong one (CWE-328), predictable randomness for secrets (CWE-330), TLS
verification off, debug mode, hard-coded credentials. A definitely dangerous setting is
medium or more; an API merely used (md5 of nothing traced, random for jitter) is low."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tree_sitter import Node

from devlab.reverse.models import Severity
from devlab.reverse.security.python_transport import TransportRules
from devlab.reverse.security_ts_core import PASSWORDISH, RANDOM_SECRET_NAME
from devlab.reverse.taint import Taint

if TYPE_CHECKING:
    from devlab.reverse.security.python_ts import PyAnalysis

#: functions whose input is a password by purpose -> (algorithm keyword, its position)
PASSWORD_HASHES = {
    "hashlib.pbkdf2_hmac": ("hash_name", 0),
    "crypt.crypt": ("salt", 1),
    "crypt.mksalt": ("method", 0),
}
#: the password argument of those that take one (keyword, position)
PASSWORD_ARG = {"hashlib.pbkdf2_hmac": ("password", 1), "crypt.crypt": ("word", 0)}
SECRETISH = re.compile(RANDOM_SECRET_NAME.pattern + r"|session_?key|_key$|^key$", re.I)


class ConfigRules(TransportRules):
    """Mixed into ``PyScan`` (through ``SinkRules``)."""

    fa: PyAnalysis
    NOTHING: Any = None
    # the state of the Python walk, set by ``PyScan.__init__``
    consts: dict[str, object]
    keys: dict[str, dict[object, list[Taint]]]
    flags: dict[str, set[str]]
    route: bool
    local_fns: dict[str, Node]
    parsed_from: dict[str, str]
    value_nodes: dict[str, Node]
    closure: bool

    if TYPE_CHECKING:
        # defined by ``PyScan`` (constant folding and the walk without second reports)
        def fold(self, n: Node | None, depth: int = 0) -> Any: ...

        def eval_quiet(self, node: Node | None) -> list[Taint]: ...

    # configuration ------------------------------------------------------------------------------
    def call_config(
        self,
        node: Node,
        q: str | None,
        method: str | None,
        recv: Node | None,
        recv_t: list[Taint],
        pos: list[Node],
        pos_t: list[list[Taint]],
        kw: dict[str, Node],
        kw_t: dict[str, list[Taint]],
        splat: bool,
    ) -> None:
        fa = self.fa
        cfg = fa.model.config
        if method == "set_cookie" and not splat:
            self.cookie_rule(node, kw)
        self.call_transport(node, q, method, recv, pos, kw, splat)
        if q in PASSWORD_HASHES and not splat:
            self.password_hash_rule(node, q or "", pos, kw)
        weak = q in cfg("weak_hashes")
        data_t = pos_t
        if q == "hashlib.new" and pos:
            alg = self.fold(pos[0])
            weak = isinstance(alg, str) and alg.lower() in cfg("weak_hash_names")
            data_t = pos_t[1:]
        if weak:
            if self.fold(kw["usedforsecurity"]) is False if "usedforsecurity" in kw else False:
                return
            if not any(data_t) and not pos[1 if q == "hashlib.new" else 0 :]:
                if self.target:
                    self.flags.setdefault("weakhash", set()).add(self.target)
                return
            self.hash_finding(node, q or "", data_t)
        if (
            method in ("update",)
            and recv is not None
            and fa.text(recv).rsplit(".", 1)[-1] in (self.flags.get("weakhash", set()))
        ):
            self.hash_finding(node, fa.text(recv), pos_t)
        if q in cfg("random_calls"):
            self.random_finding(node, q or "")
        v = kw.get("verify")
        if v is not None and self.fold(v) is False:
            self.tls_off(
                node,
                f"{q or 'call'}(verify=False) accepts any certificate: traffic can be intercepted.",
                "high",
                "Remove verify=False; pass a CA bundle for a private CA.",
            )
        if q in ("ssl._create_unverified_context", "ssl._create_stdlib_context"):
            self.tls_off(
                node,
                f"{q}() does not verify certificates.",
                "high",
                "Use ssl.create_default_context().",
            )
        d = kw.get("debug")
        if method == "run" and d is not None and self.fold(d) is True:
            fa.config(
                "DEBUG",
                "CWE-489",
                "Debug mode enabled",
                node,
                "The application runs with debug=True: the interactive debugger "
                "allows code execution.",
                "high",
                "high",
                "Read the debug flag from configuration; keep it off in production.",
                self.symbol,
            )
        for k, v in kw.items():
            s = self.fold(v)
            if isinstance(s, str):
                self.hard_coded(
                    node, k, s, "Read the secret from the environment or a secrets manager."
                )

    def password_hash_rule(self, node: Node, q: str, pos: list[Node], kw: dict[str, Node]) -> None:
        """A function that only ever hashes passwords (or derives keys from them) asked for
        a weak algorithm: the data needs a strong hash by the function's purpose."""
        key, at = PASSWORD_HASHES[q]
        arg = kw.get(key) or (pos[at] if len(pos) > at else None)
        if arg is None:
            return  # the function's default (crypt: the strongest method; pbkdf2: required)
        word = PASSWORD_ARG.get(q)
        if word is not None:
            data = kw.get(word[0]) or (pos[word[1]] if len(pos) > word[1] else None)
            if data is not None and self.fold(data) is not self.NOTHING:
                return  # a constant is nobody's password (a probe, an example; CWE-798 else)
        v = self.fold(arg)
        if q == "hashlib.pbkdf2_hmac":
            weak = isinstance(v, str) and v.lower() in self.fa.model.config("weak_hash_names")
        elif isinstance(v, str):  # a crypt(3) salt: "$1$..." is MD5, no "$" prefix is DES
            weak = v.startswith("$1$") or not v.startswith("$")
        else:
            weak = self.fa.text(arg).rsplit(".", 1)[-1] in ("METHOD_CRYPT", "METHOD_MD5")
        if weak:
            self.fa.config(
                "WEAKHASH",
                "CWE-328",
                "Weak hash",
                node,
                f"{q}() hashes a password with a weak algorithm "
                f"({self.fa.text(arg)}): fast to brute-force once the hashes leak.",
                "high",
                "high",
                "Use hashlib.scrypt, bcrypt or argon2; for PBKDF2 use sha256 or better with "
                "at least 600,000 iterations.",
                self.symbol,
            )

    def hash_finding(self, node: Node, alg: str, data: list[list[Taint]]) -> None:
        fa = self.fa
        live = [
            t for ts in data for t in ts if t.origin not in ("param", "unknown")
        ]  # a real source
        ctx = self.context_text(node)
        pw = bool(PASSWORDISH.search(ctx))
        if live or pw or SECRETISH.search(ctx):
            sev: Severity = "high" if pw else "medium"
            why = "hashes a password" if pw else "hashes data that needs a strong hash"
            if live:
                why += f" (from {live[0].origin})"
            fa.config(
                "WEAKHASH",
                "CWE-328",
                "Weak hash",
                node,
                f"{alg} {why}: MD5/SHA-1 collisions and fast brute force make it unfit.",
                sev,
                "high" if live else "medium",
                "Use hashlib.sha256 or better; for passwords bcrypt, argon2 or hashlib.scrypt.",
                self.symbol,
            )
        else:
            fa.config(
                "WEAKHASH",
                "CWE-328",
                "Weak hash",
                node,
                f"{alg} is broken for security uses (no security-relevant data seen "
                "here; presence only).",
                "low",
                "low",
                "Pass usedforsecurity=False for non-security uses, else use sha256.",
                self.symbol,
            )

    def random_finding(self, node: Node, q: str) -> None:
        name = self.target or (self.symbol or "").rsplit(".", 1)[-1]
        if name and SECRETISH.search(name):
            self.fa.config(
                "RANDOM",
                "CWE-330",
                "Insecure randomness for a secret",
                node,
                f"'{name}' is generated with {q}(), which is predictable.",
                "high",
                "high",
                "Use the secrets module: secrets.token_urlsafe(), "
                "secrets.randbelow(), secrets.choice().",
                self.symbol,
            )
        else:
            self.fa.config(
                "RANDOM",
                "CWE-330",
                "Predictable random numbers",
                node,
                f"{q}() is predictable; fine unless the value must be secret (presence only).",
                "low",
                "low",
                "Use the secrets module for tokens, keys and codes.",
                self.symbol,
            )

    def cookie_rule(self, node: Node, kw: dict[str, Node]) -> None:
        secure = self.fold(kw["secure"]) if "secure" in kw else None
        httponly = self.fold(kw["httponly"]) if "httponly" in kw else None
        if secure is not True and not ("secure" in kw and secure is self.NOTHING):
            cwe, flag = "CWE-614", "secure=True"
        elif httponly is not True and not ("httponly" in kw and httponly is self.NOTHING):
            cwe, flag = "CWE-1004", "httponly=True"
        else:
            return
        self.fa.config(
            "COOKIE",
            cwe,
            "Insecure cookie",
            node,
            f"set_cookie() without {flag}: the cookie can leak "
            + ("over plain HTTP." if cwe == "CWE-614" else "to scripts (XSS)."),
            "medium",
            "high",
            "Pass secure=True, httponly=True and samesite='Lax' (or 'Strict').",
            self.symbol,
        )

    def credential(self, node: Node, left: Node, right: Node | None) -> None:
        if right is None or left.type not in ("identifier", "attribute", "subscript"):
            return
        self.tls_assign(node, left, right)
        name = self.fa.text(left).rsplit(".", 1)[-1].strip("[]'\"")
        if left.type == "subscript":
            k = self.fold(left.child_by_field_name("subscript"))
            name = k if isinstance(k, str) else ""
        v = self.fold(right)
        if (
            isinstance(v, str)
            and self.function is None
            and name.upper().endswith("SECRET_KEY")
            and len(v) >= 16
            and not v.startswith(("REDACTED", "<REDACTED"))
            and " " not in v
        ):  # a framework's signing key in settings: any literal is a leaked key
            self.fa.config(
                "CREDS",
                "CWE-798",
                "Hard-coded credential",
                node,
                f"'{name}' is a hard-coded signing key: sessions and tokens signed with it "
                "can be forged.",
                "high",
                "high",
                "Read the key from the environment and rotate the leaked one.",
                None,
            )
        elif isinstance(v, str):
            self.hard_coded(
                node, name, v, "Read the secret from the environment or a secrets manager."
            )
        path = self.fa.path.lower()
        if (
            self.function is None
            and v is False
            and name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY")
        ):
            self.fa.config(
                "COOKIE",
                "CWE-1004" if "HTTPONLY" in name else "CWE-614",
                "Insecure cookie",
                node,
                f"{name} is False.",
                "medium",
                "high",
                f"Set {name} = True.",
                None,
            )
        if self.function is None and v is True and name == "DEBUG":
            settings = "settings" in path or "config" in path
            self.fa.config(
                "DEBUG",
                "CWE-489",
                "Debug mode enabled",
                node,
                "DEBUG is True.",
                "medium" if settings else "low",
                "high" if settings else "low",
                "Read DEBUG from the environment; keep it False in production.",
                None,
            )
