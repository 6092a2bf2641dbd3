"""Transport rules of the Python walk: the standard library's mail, news and file-transfer
clients, whose TLS does not verify certificates unless the caller passes a context
(CWE-295), and credentials sent over a protocol that has no TLS (CWE-319); plus
``logging.config.listen()`` without ``verify`` (CWE-94).

Why these are configuration findings, not presence: ``ftplib.FTP_TLS``,
``imaplib.IMAP4_SSL``, ``poplib.POP3_SSL``, ``smtplib.SMTP_SSL``, ``nntplib.NNTP_SSL`` and
the ``starttls()`` / ``stls()`` upgrades build ``ssl._create_stdlib_context()`` when no
context is given (or ``None``): no certificate or host name check (CPython 3.8-3.13), so
the "secure" connection can be intercepted. So can ``ssl.wrap_socket()`` without
``cert_reqs`` (its default is ``CERT_NONE``) and a context set to ``verify_mode =
CERT_NONE`` or ``check_hostname = False``. A context the code passes (any value other than
a constant ``None``) is taken as the caller's decision. A login on a plain ``IMAP4`` /
``POP3`` / ``SMTP`` / ``NNTP`` client that was never upgraded sends the password in clear
text; ``telnetlib.Telnet`` and ``ftplib.FTP`` are clear text whatever they send. A client
of a literal loopback host (``localhost``, ``127.x``, ``::1``) is exempt: that traffic
never crosses a network (a missing host is not: the connection is made later).
``logging.config.listen()`` evaluates configurations received on a socket; without a
``verify`` callable anyone who reaches the port runs code in the process (the logging
documentation's own warning).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tree_sitter import Node

if TYPE_CHECKING:
    from devlab.reverse.security.python_ts import PyAnalysis
    from devlab.reverse.security_ts_core import Scan

    # The rules are only ever mixed into ``PyScan``, a ``Scan``: the type checker sees
    # that base (the walk's state and helpers); at run time the mixin stands alone.
    _ScanHost = Scan
else:
    _ScanHost = object

#: TLS client class -> (its context keyword, how many leading positional arguments come
#: before the context may be passed positionally: more than that, and it is unknown)
TLS_CLIENTS: dict[str, tuple[str, int]] = {
    "ftplib.FTP_TLS": ("context", 4),
    "imaplib.IMAP4_SSL": ("ssl_context", 2),
    "poplib.POP3_SSL": ("context", 2),
    "smtplib.SMTP_SSL": ("context", 3),
    "nntplib.NNTP_SSL": ("ssl_context", 4),
}
#: plain client class -> protocol (its upgrade method, the upgrade's context keyword)
PLAIN_CLIENTS: dict[str, str] = {
    "imaplib.IMAP4": "imap",
    "poplib.POP3": "pop3",
    "smtplib.SMTP": "smtp",
    "smtplib.LMTP": "smtp",
    "nntplib.NNTP": "nntp",
    "ftplib.FTP": "ftp",
    "telnetlib.Telnet": "telnet",
}
#: protocol -> (upgrade method, its context keyword, whether a first positional argument
#: is the context: smtplib's was keyfile before Python 3.12)
UPGRADES: dict[str, tuple[str, str, bool]] = {
    "imap": ("starttls", "ssl_context", True),
    "pop3": ("stls", "context", True),
    "smtp": ("starttls", "context", False),
    "nntp": ("starttls", "context", True),
}
#: methods that send a password
LOGINS = frozenset({"login", "login_cram_md5", "pass_", "apop", "rpop", "authenticate"})
#: every method the rules look at on a client
CLIENT_METHODS = LOGINS | {u[0] for u in UPGRADES.values()}
#: protocols that are clear text whatever they send (no upgrade exists in the stdlib)
ALWAYS_CLEAR = frozenset({"ftp", "telnet"})
LOOPBACK = ("localhost", "127.", "::1", "0:0:0:0:0:0:0:1")


class TransportRules(_ScanHost):
    """Mixed into ``PyScan`` (through ``ConfigRules``)."""

    fa: PyAnalysis
    NOTHING: Any = None
    flags: dict[str, set[str]]

    if TYPE_CHECKING:

        def fold(self, n: Node | None, depth: int = 0) -> Any: ...

    def call_transport(
        self, node: Node, q: str | None, method: str | None, recv: Node | None,
        pos: list[Node], kw: dict[str, Node], splat: bool,
    ) -> None:  # fmt: skip
        """Check one call against the transport rules (module docstring)."""
        if q == "logging.config.listen" and not splat:
            self.listen_rule(node, kw)
        if q == "ssl.wrap_socket" and not splat:  # cert_reqs defaults to CERT_NONE
            reqs = kw.get("cert_reqs") or (pos[4] if len(pos) > 4 else None)
            if reqs is None or self.fa.text(reqs).endswith("CERT_NONE"):
                self.tls_off(
                    node,
                    "ssl.wrap_socket() "
                    + ("without cert_reqs" if reqs is None else "with CERT_NONE")
                    + " does not verify the peer's certificate.",
                    "medium" if reqs is None else "high",
                    "Use ssl.create_default_context().wrap_socket(sock, server_hostname=host).",
                )
        if q in TLS_CLIENTS and not splat:
            key, plain = TLS_CLIENTS[q]
            if self.no_context(kw.get(key), pos, plain):
                self.unverified(node, f"{q}()")
            return
        proto = PLAIN_CLIENTS.get(q or "")
        if proto is not None:
            name = self.target
            host = self.fold(pos[0] if pos else kw.get("host"))
            local = isinstance(host, str) and host.startswith(LOOPBACK)
            if name:
                self.flags.setdefault(f"client:{proto}", set()).add(name)
                covered = self.flags.setdefault("client:covered", set())
                covered.discard(name)
                if local:  # loopback traffic never crosses a network: a login there leaks nothing
                    covered.add(name)
            if proto in ALWAYS_CLEAR and not local:
                self.clear_text(node, f"{q}() talks to the server without TLS")
            return
        if recv is None or method not in CLIENT_METHODS:
            return  # (most calls: no text read)
        name = self.fa.text(recv).rsplit(".", 1)[-1]
        proto = next((p for p in UPGRADES if name in self.flags.get(f"client:{p}", ())), None)
        if proto is None:
            return
        upgrade, key, first = UPGRADES[proto]
        if method == upgrade and not splat:
            self.flags.setdefault("client:covered", set()).add(name)
            if (first or not pos) and self.no_context(kw.get(key), pos, 0):
                self.unverified(node, f"{name}.{method}()")
        elif method in LOGINS and name not in self.flags.get("client:covered", ()):
            self.clear_text(node, f"{name}.{method}() sends the password without TLS")

    def tls_assign(self, node: Node, left: Node, right: Node) -> None:
        """``ctx.verify_mode = ssl.CERT_NONE`` / ``ctx.check_hostname = False``."""
        last = left.child_by_field_name("attribute") if left.type == "attribute" else None
        attr = self.fa.text(last) if last is not None else ""
        if attr == "verify_mode" and self.fa.text(right).endswith("CERT_NONE"):
            self.tls_off(
                node,
                f"{self.fa.text(left)} = CERT_NONE accepts any certificate.",
                "high",
                "Keep ssl.CERT_REQUIRED (ssl.create_default_context() sets it).",
            )
        elif attr == "check_hostname" and self.fold(right) is False:
            self.tls_off(
                node,
                f"{self.fa.text(left)} = False accepts a valid certificate of any other host.",
                "medium",
                "Keep check_hostname = True and pass server_hostname= when wrapping.",
            )

    def no_context(self, given: Node | None, pos: list[Node], plain: int) -> bool:
        """No context was passed, or a constant ``None``: the stdlib's unverified one."""
        if given is None and len(pos) > plain:
            given = pos[plain]  # passed by position
        if given is None:
            return len(pos) <= plain
        return self.fold(given) is None

    def unverified(self, node: Node, what: str) -> None:
        self.fa.config(
            "TLS",
            "CWE-295",
            "TLS certificate verification disabled",
            node,
            f"{what} gets no SSL context: the standard library then uses one that checks "
            "neither the certificate nor the host name, so the connection can be intercepted.",
            "medium",
            "high",
            "Pass context=ssl.create_default_context() (ssl_context= for imaplib / nntplib).",
            self.symbol,
        )

    def clear_text(self, node: Node, what: str) -> None:
        self.fa.config(
            "CLEARTEXT",
            "CWE-319",
            "Cleartext transmission",
            node,
            f"{what}: credentials and data can be read on the network.",
            "medium",
            "high",
            "Use the protocol's TLS class (FTP_TLS, IMAP4_SSL, POP3_SSL, SMTP_SSL) or "
            "upgrade with starttls(context=ssl.create_default_context()) before logging in.",
            self.symbol,
        )

    def listen_rule(self, node: Node, kw: dict[str, Node]) -> None:
        v = kw.get("verify")
        if v is not None and self.fold(v) is not None:
            return
        self.fa.config(
            "LISTEN",
            "CWE-94",
            "Code injection",
            node,
            "logging.config.listen() without verify= evaluates any configuration sent to "
            "its port: whoever reaches the port runs code in this process.",
            "medium",
            "high",
            "Pass verify= a function that checks a signature (or decrypts) and returns "
            "None for anything else; listen on the loopback only.",
            self.symbol,
        )
