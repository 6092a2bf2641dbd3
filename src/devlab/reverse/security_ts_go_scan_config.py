"""Go scan, configuration rules: TLS verification off, insecure cookies (``http.Cookie``,
gin), weak hashes and ciphers, ``math/rand`` for secrets, hard-coded credentials.
"""

from __future__ import annotations

from tree_sitter import Node

from devlab.reverse.security_ts_core import (
    PASSWORDISH,
)
from devlab.reverse.security_ts_go_scan_base import GoScanBase
from devlab.reverse.security_ts_go_tables import (
    COOKIEISH,
    RAND_FUNCS,
    GoCall,
    short_name,
)

__all__ = ["GoConfigRules"]


class GoConfigRules(GoScanBase):
    """The configuration rules of the Go scan."""

    def config_rules(self, c: GoCall) -> None:
        """The configuration rules: weak hashes and ciphers, math/rand, gin debug mode."""
        node, q, method, recv_text, args, fa = c.node, c.q, c.method, c.recv_text, c.args, self.fa
        n = len(c.args)
        # configuration rules
        base = q.rsplit(".", 1)[0]
        name = q.rsplit(".", 1)[-1]
        if base in ("crypto/md5", "crypto/sha1") and name in ("New", "Sum"):
            alg = base.rsplit("/", 1)[-1].upper()
            self.hash_rule(node, alg, fa.text(args[0])[:200] if args else "")
            if self.target and name == "New":
                self.digests[self.target] = alg
            if name == "Sum":
                self.hashed_input(node, alg, c.arg(0))
        elif method == "SetCookie" and recv_text in self.ctx and n >= 7:
            self.gin_cookie(node, args)
        elif method == "Write" and recv_text in self.digests and n:
            if PASSWORDISH.search(fa.text(args[0])[:200]):
                self.hash_rule(node, self.digests[recv_text], fa.text(args[0]))
            self.hashed_input(node, self.digests[recv_text], c.arg(0))
        elif base in ("crypto/des", "crypto/rc4") and name.startswith("New"):
            self.fa.config(
                "WEAKCRYPTO",
                "CWE-327",
                "Weak or broken cipher",
                node,
                f"{short_name(q)}() uses a broken cipher.",
                "medium",
                "high",
                "Use AES-GCM (crypto/aes + cipher.NewGCM) or chacha20poly1305.",
                self.symbol,
            )
        elif base in ("math/rand", "math/rand/v2") and name in RAND_FUNCS:
            self.random_rule(node, short_name(q))
        elif q == "github.com/gin-gonic/gin.SetMode" and n and "Debug" in fa.text(args[0]):
            fa.config(
                "DEBUG",
                "CWE-489",
                "Debug mode enabled",
                node,
                "gin runs in debug mode.",
                "low",
                "high",
                "Use gin.ReleaseMode in production (GIN_MODE=release).",
                self.symbol,
            )

    def gin_cookie(self, node: Node, args: list[Node]) -> None:
        """Gin's ``c.SetCookie(name, value, maxAge, path, domain, secure, httpOnly)``."""
        fa = self.fa
        missing = [
            f for f, a in (("Secure", args[5]), ("HttpOnly", args[6])) if fa.text(a) != "true"
        ]
        if not missing:
            return
        explicit = any(fa.text(a) == "false" for a in args[5:7])
        name = fa.text(args[0]).strip('"')
        fa.config(
            "COOKIE",
            "CWE-614",
            "Insecure cookie",
            node,
            f"c.SetCookie({name[:40]}) is set without {' and '.join(missing)}: the cookie can "
            "leak over plain HTTP or to scripts.",
            "medium" if explicit or COOKIEISH.search(name) else "low",
            "high" if explicit else "medium",
            "Pass secure=true and httpOnly=true (and c.SetSameSite(http.SameSiteLaxMode)).",
            self.symbol,
        )

    # configuration rules ---------------------------------------------------------------------
    def tls(self, node: Node) -> None:
        self.tls_off(
            node,
            "InsecureSkipVerify: true accepts any certificate: traffic can be intercepted.",
            "high",
            "Remove InsecureSkipVerify; trust a private CA through tls.Config.RootCAs.",
        )

    def hash_rule(self, node: Node, alg: str, data: str) -> None:
        self.weak_hash(
            node,
            f"{self.target} {self.symbol or ''} {data}",
            alg,
            "Hash passwords with golang.org/x/crypto/bcrypt or argon2; use crypto/sha256 "
            "elsewhere.",
            "(crypto/" + alg.lower() + ") is broken for security uses",
        )

    def random_rule(self, node: Node, what: str) -> None:
        self.random_secret(
            node,
            f"{what} (math/rand)",
            "Use crypto/rand (rand.Read, rand.Text) for tokens, keys and passwords.",
        )

    def credential(self, node: Node, name: str, value: Node) -> None:
        if value.type not in ("interpreted_string_literal", "raw_string_literal"):
            return
        self.hard_coded(
            node,
            name,
            self.fa.text(value)[1:-1],
            "Read the secret from the environment (os.Getenv) or a secrets manager; rotate it "
            "if it was committed.",
        )
