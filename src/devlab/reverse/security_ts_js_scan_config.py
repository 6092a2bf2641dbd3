"""JavaScript / TypeScript scan, configuration rules: hard-coded credentials, TLS
verification turned off, insecure cookies (Express, Koa, ``cookie.serialize``), weak
hashes and ciphers, ``Math.random`` for secrets, express ``errorhandler``.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from devlab.reverse.security_ts_core import (
    PASSWORDISH,
)
from devlab.reverse.security_ts_js_scan_base import JSScanBase
from devlab.reverse.security_ts_js_tables import (
    COOKIEISH,
    RES_NAMES,
    WEAK_CIPHER,
    WEAK_HASHES,
    JSCall,
    snake_name,
)

__all__ = ["JSConfigRules"]


class JSConfigRules(JSScanBase):
    """The configuration rules of the JS/TS scan."""

    # configuration rules -------------------------------------------------------------------
    def config_rules(self, c: JSCall) -> None:
        """The configuration rules: cookies, weak hashes and ciphers, debug handlers."""
        node, fn, q, short, recv, recv_text = c.node, c.fn, c.q, c.short, c.recv, c.recv_text
        method, args, fa, a0, arg = c.method, c.args, self.fa, c.args[0], c.arg
        # configuration rules
        if (method == "cookie" and recv_text in RES_NAMES) or (
            method == "set" and recv_text == "ctx.cookies"
        ):
            self.cookie_rule(node, args, koa=method == "set")
        elif (q in ("cookie.serialize", "serialize") and q.startswith("cookie")) or (
            fn.type == "identifier" and fa.aliases.get(fa.text(fn)) == "cookie.serialize"
        ):
            self.cookie_rule(node, args)
        elif q in ("crypto.createHash", "createHash") or q.endswith("crypto.createHash"):
            if a0.type == "string" and fa.text(a0)[1:-1].lower() in WEAK_HASHES:
                self.hash_rule(node, fa.text(a0)[1:-1])
                if self.target:
                    self.digests[self.target] = fa.text(a0)[1:-1]
        elif method == "update" and recv_text in self.digests:
            if PASSWORDISH.search(fa.text(a0)[:200]):
                self.hash_rule(node, self.digests[recv_text])
            self.hashed_input(node, self.digests[recv_text], arg(0))
        elif method == "update" and recv is not None and recv.type == "call_expression":
            m = re.match(r"^(?:crypto\.)?createHash\(\s*['\"](\w+)['\"]", recv_text or "")
            if m and m.group(1).lower() in WEAK_HASHES:
                self.hashed_input(node, m.group(1), arg(0))
        elif q in ("md5", "sha1", "blueimp-md5", "js-md5", "CryptoJS.MD5", "CryptoJS.SHA1"):
            if fa.aliases.get(fa.text(fn)) or q.startswith("CryptoJS"):
                self.hash_rule(node, short.lower())
        elif q in ("crypto.createCipher", "crypto.createDecipher"):
            fa.config(
                "WEAKCRYPTO",
                "CWE-327",
                "Weak or broken cipher",
                node,
                f"{q}() derives the key with MD5 and no salt, and uses no IV (deprecated).",
                "medium",
                "high",
                "Use crypto.createCipheriv('aes-256-gcm', key, iv) with a random IV and a key "
                "from a KDF (scrypt/pbkdf2).",
                self.symbol,
            )
        elif q in ("crypto.createCipheriv", "crypto.createDecipheriv") and a0.type == "string":
            alg = fa.text(a0)[1:-1]
            if WEAK_CIPHER.search(alg):
                fa.config(
                    "WEAKCRYPTO",
                    "CWE-327",
                    "Weak or broken cipher",
                    node,
                    f"The cipher '{alg}' is broken or leaks patterns (DES/RC4/ECB).",
                    "medium",
                    "high",
                    "Use AES-GCM (aes-256-gcm) or ChaCha20-Poly1305 with a random IV.",
                    self.symbol,
                )
        elif q in ("errorhandler", "errorhandler()") and fa.aliases.get(fa.text(fn)):
            fa.config(
                "DEBUG",
                "CWE-489",
                "Debug error handler enabled",
                node,
                "errorhandler() sends stack traces to the client; it is for development only.",
                "low",
                "medium",
                "Install errorhandler only when process.env.NODE_ENV === 'development'.",
                self.symbol,
            )

    def credential(self, node: Node, name: str, value: Node) -> None:
        if value.type not in ("string", "template_string"):
            return
        if (
            value.type == "template_string"
            and value.named_children
            and any(c.type == "template_substitution" for c in value.named_children)
        ):
            return
        self.hard_coded(
            node,
            name,
            self.fa.text(value)[1:-1],
            "Read the secret from the environment (process.env) or a secrets manager; "
            "rotate it if it was committed.",
        )

    def tls(self, node: Node, message: str) -> None:
        self.tls_off(
            node,
            message,
            "high",
            "Keep certificate verification on; for a private CA pass it with the ca option "
            "(or NODE_EXTRA_CA_CERTS).",
        )

    def cookie_rule(self, node: Node, args: list[Node], koa: bool = False) -> None:
        fa = self.fa
        opts = args[2] if len(args) > 2 else None
        if opts is not None and opts.type != "object":
            return  # options built elsewhere: cannot tell
        text = fa.text(opts) if opts is not None else ""
        missing = [
            f for f in ("secure", "httpOnly") if not re.search(rf"\b{f}\s*:\s*(?!false)\S", text)
        ]
        if koa and "httpOnly" in missing and not re.search(r"\bhttpOnly\s*:\s*false", text):
            missing.remove("httpOnly")  # Koa's cookies are httpOnly by default
        if not missing:
            return
        name = fa.text(args[0]) if args else ""
        sensitive = bool(COOKIEISH.search(name))
        explicit = any(re.search(rf"\b{f}\s*:\s*false", text) for f in missing)
        fa.config(
            "COOKIE",
            "CWE-614",
            "Insecure cookie",
            node,
            f"res.cookie({name[:40]}) is set without {' and '.join(missing)}: the cookie can "
            "leak over plain HTTP or to scripts.",
            "medium" if sensitive or explicit else "low",
            "high" if explicit else "medium",
            "Pass { secure: true, httpOnly: true, sameSite: 'lax' }.",
            self.symbol,
        )

    def hash_rule(self, node: Node, alg: str) -> None:
        self.weak_hash(
            node,
            self.context_text(node),
            alg.upper(),
            "Hash passwords with bcrypt/argon2/scrypt (crypto.scrypt); use SHA-256 or better "
            "(or HMAC-SHA-256) elsewhere.",
        )

    def random_rule(self, node: Node) -> None:
        self.random_secret(
            node,
            "Math.random()",
            "Use crypto.randomBytes() / crypto.randomUUID() (or crypto.getRandomValues() in "
            "browsers).",
            snake_name,
        )
