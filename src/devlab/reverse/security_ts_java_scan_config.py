"""Java scan, configuration rules: XML factories without XXE protection, cookies without
``setSecure``/``setHttpOnly``, weak digests and ciphers, ``java.util.Random`` for
secrets, trust-all TrustManagers and HostnameVerifiers, hard-coded credentials, Spring
Security debug mode, Jackson default typing.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from devlab.reverse.models import Severity
from devlab.reverse.security_ts_core import (
    PASSWORDISH,
    credential_name,
    union,
)
from devlab.reverse.security_ts_java_scan_base import JavaScanBase
from devlab.reverse.security_ts_java_tables import (
    COOKIEISH,
    RANDOM_METHODS,
    WEAK_CIPHER,
    WEAK_DIGESTS,
    WEAK_GETINSTANCE,
    XML_FACTORIES,
    XML_PARSERS,
    XXE_SAFE,
    JavaCall,
)

__all__ = ["JavaConfigRules"]


class JavaConfigRules(JavaScanBase):
    """The configuration rules of the Java scan."""

    def config_rules(self, c: JavaCall) -> None:
        """The configuration rules: XML factories, weak hashes, ciphers and randomness,
        cookies, TLS host names, hard-coded credentials."""
        node, q, name, recv_text, rtype, args = c.node, c.q, c.name, c.recv_text, c.rtype, c.args
        fa, n = self.fa, len(c.args)
        # configuration rules
        if name in ("newInstance", "newFactory", "newDefaultFactory", "createXMLReader") and (
            recv_text in XML_FACTORIES
        ):
            self.xxe(node, recv_text)
        elif q == "MessageDigest.getInstance" and n and args[0].type == "string_literal":
            alg = fa.text(args[0]).strip('"')
            if alg.upper() in WEAK_DIGESTS:
                self.hash_rule(node, alg)
                if self.target:
                    self.digests[self.target] = alg
        elif name in ("update", "digest") and n and recv_text in self.digests:
            if PASSWORDISH.search(fa.text(args[0])[:200]):
                self.hash_rule(node, self.digests[recv_text])
            self.hashed_input(node, self.digests[recv_text], c.arg(0))
        elif name in ("update", "digest") and n and (m := WEAK_GETINSTANCE.match(recv_text)):
            if m.group(1).upper() in WEAK_DIGESTS:
                self.hashed_input(node, m.group(1), c.arg(0))
        elif (recv_text == "DigestUtils" and re.match(r"(md5|sha1|sha|md2)(Hex)?$", name)) or (
            recv_text == "Hashing" and name in ("md5", "sha1")
        ):
            self.hash_rule(node, name)
            self.hashed_input(node, name, c.arg(0))
        elif q == "Cipher.getInstance" and n and args[0].type == "string_literal":
            alg = fa.text(args[0]).strip('"')
            if WEAK_CIPHER.search(alg) and not alg.upper().startswith("RSA"):
                self.weak_cipher(node, alg)
        elif (
            (
                name in RANDOM_METHODS
                and (
                    rtype == "Random"
                    or "new Random(" in recv_text
                    or "ThreadLocalRandom" in recv_text
                )
            )
            or q == "Math.random"
            or (recv_text == "RandomStringUtils" and name.startswith("random"))
        ):
            self.random_rule(node, q or name)
        elif name == "setSecure" and n and fa.text(args[0]) == "false":
            self.cookie(node, "setSecure(false) sends the cookie over plain HTTP.", True)
        elif name == "setHttpOnly" and n and fa.text(args[0]) == "false":
            self.cookie(node, "setHttpOnly(false) exposes the cookie to scripts.", True)
        elif name == "build" and "ResponseCookie.from" in q:
            text = fa.text(node)
            missing = [f for f in ("secure", "httpOnly") if f".{f}(true)" not in text]
            if missing:
                self.cookie(node, f"ResponseCookie built without {' and '.join(missing)}(true).")
        elif name in ("setHostnameVerifier", "setDefaultHostnameVerifier", "hostnameVerifier"):
            if n and re.fullmatch(r"\(?\s*\w+\s*,\s*\w+\s*\)?\s*->\s*true", fa.text(args[0])):
                self.tls(node, "The HostnameVerifier accepts every host name.")
        elif name.startswith("set") and n == 1 and credential_name(name[3:]):
            self.credential(node, name[3:], args[0])
        elif q == "DriverManager.getConnection" and n >= 3:
            self.credential(node, "password", args[2])

    # configuration rules ---------------------------------------------------------------------
    def hash_rule(self, node: Node, alg: str) -> None:
        self.weak_hash(
            node,
            self.context_text(node),
            alg,
            "Hash passwords with BCrypt/Argon2 (Spring Security PasswordEncoder); use SHA-256 "
            "or better elsewhere.",
        )

    def weak_cipher(self, node: Node, alg: str) -> None:
        self.fa.config(
            "WEAKCRYPTO",
            "CWE-327",
            "Weak or broken cipher",
            node,
            f"The cipher '{alg}' is broken or leaks patterns (DES/RC4/ECB; plain 'AES' means "
            "AES/ECB).",
            "medium",
            "high",
            'Use Cipher.getInstance("AES/GCM/NoPadding") with a random 12-byte IV.',
            self.symbol,
        )

    def random_rule(self, node: Node, what: str) -> None:
        self.random_secret(
            node,
            f"{what} (java.util.Random)",
            "Use java.security.SecureRandom (e.g. new SecureRandom().nextBytes(buf)).",
        )

    def xxe(self, node: Node, factory: str) -> None:
        text = self.fn_text() or self.fa.src.decode("utf-8", "replace")
        if XXE_SAFE.search(text):
            return
        self.fa.xxe_pending.append((node, factory, self.symbol))

    def xml_parse(self, c: JavaCall) -> None:
        """A parse call on a DOM/SAX/StAX parser: what its document is, for the method's
        unprotected factories (``xxe_findings``)."""
        if c.name not in ("parse", "unmarshal", "createXMLStreamReader") or not c.args:
            return
        if not (
            c.rtype in XML_PARSERS
            or re.search(r"new(DocumentBuilder|SAXParser|XMLReader)\(\)|Unmarshaller", c.recv_text)
        ):
            return
        live = [
            t
            for t in union(c.arg(0), c.arg(1) if c.name == "parse" else [])
            if not t.clean_for("xxe")
        ]
        level = (
            "source"
            if any(t.origin not in ("param", "unknown") for t in live)
            else "untraced"
            if live
            else None
        )
        seen = self.fa.xxe_parsed.get(self.symbol)
        if level == "source" or (level == "untraced" and seen is None):
            self.fa.xxe_parsed[self.symbol] = level

    def cookie_var(self, creation: Node, name: str) -> None:
        text = self.fn_text()
        missing = [
            f
            for f in ("setSecure", "setHttpOnly")
            if not re.search(rf"\b{re.escape(name)}\s*\.\s*{f}\s*\(\s*true\s*\)", text)
        ]
        if not missing:
            return
        args = creation.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        sensitive = bool(COOKIEISH.search(self.fa.text(first)))
        self.cookie(
            creation,
            f"Cookie '{name}' is added without {' and '.join(m + '(true)' for m in missing)}: "
            "it can leak over plain HTTP or to scripts.",
            False,
            "medium" if sensitive else "low",
        )

    def cookie(
        self, node: Node, message: str, explicit: bool = False, sev: Severity = "medium"
    ) -> None:
        self.fa.config(
            "COOKIE",
            "CWE-614",
            "Insecure cookie",
            node,
            message,
            "medium" if explicit else sev,
            "high" if explicit else "medium",
            "Call cookie.setSecure(true) and cookie.setHttpOnly(true) (and set SameSite).",
            self.symbol,
        )

    def tls(
        self, node: Node, message: str, sev: Severity = "high", symbol: str | None = None
    ) -> None:
        self.tls_off(
            node,
            message,
            sev,
            "Use the default TrustManager and HostnameVerifier; trust a private CA by adding "
            "it to a KeyStore-backed TrustManagerFactory.",
            symbol,
        )

    def tls_constant(self, node: Node, text: str) -> None:
        if text.endswith(
            (
                "ALLOW_ALL_HOSTNAME_VERIFIER",
                "NoopHostnameVerifier.INSTANCE",
                "InsecureTrustManagerFactory.INSTANCE",
                "TrustAllStrategy.INSTANCE",
            )
        ):
            self.tls(node, f"{text} turns off certificate or host name checks.")

    def tls_method(self, node: Node) -> None:
        if node.type != "method_declaration":
            return
        fa = self.fa
        name = fa.text(node.child_by_field_name("name"))
        body = node.child_by_field_name("body")
        if body is None:
            return
        stmts = [c for c in body.named_children if "comment" not in c.type]
        symbol = fa.symbol_of(node, self.symbol)
        if name == "checkServerTrusted" and not stmts:
            self.tls(
                node,
                "checkServerTrusted() is empty: this TrustManager accepts every certificate.",
                symbol=symbol,
            )
        elif (
            name == "verify"
            and "SSLSession" in fa.text(node.child_by_field_name("parameters"))
            and len(stmts) == 1
            and re.fullmatch(r"return\s+true\s*;", fa.text(stmts[0]))
        ):
            self.tls(node, "This HostnameVerifier returns true for every host name.", symbol=symbol)

    def credential(self, node: Node, name: str, value: Node) -> None:
        if value.type != "string_literal":
            return
        self.hard_coded(
            node,
            name,
            self.fa.text(value).strip('"'),
            "Read the secret from the environment, a vault or an external configuration "
            '(@Value("${...}")); rotate it if it was committed.',
        )
