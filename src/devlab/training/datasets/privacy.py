"""Privacy: redact e-mail and IP addresses, count what was redacted (never the values).

Secrets were scrubbed at ingestion (``codebase.secrets``) to ``<REDACTED:Type>``; here
those placeholders are counted by type, and e-mail and IP addresses become
``<REDACTED:email>`` / ``<REDACTED:ip>``. Like StarCoder's PII pass, only addresses that
identify something are redacted: IPs must parse (``ipaddress``) and be global (public),
so ``127.0.0.1``, ``0.0.0.0``, private ranges and version-like strings stay. Line
structure never changes, so symbol line numbers from the store still hold.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter

__all__ = ["EMAIL_PLACEHOLDER", "IP_PLACEHOLDER", "redact"]

EMAIL_PLACEHOLDER = "<REDACTED:email>"
IP_PLACEHOLDER = "<REDACTED:ip>"

_EMAIL = re.compile(
    r"(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,24}(?![\w-])"
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}(?::|[0-9A-Fa-f]{1,4})(?![\w:])")
_SECRET = re.compile(r"<REDACTED:([^>\n]{1,80})>")


def _global_ip(text: str) -> bool:
    try:
        return ipaddress.ip_address(text).is_global
    except ValueError:
        return False


def redact(text: str, *, emails: bool = True, ips: bool = True) -> tuple[str, Counter[str]]:
    """``(text with e-mail/IP addresses replaced, counts by type)``; the counts also
    hold the ingestion's secret placeholders as ``secret:<type>``."""
    counts: Counter[str] = Counter()
    if "<REDACTED:" in text:
        for kind in _SECRET.findall(text):
            counts[f"secret:{kind}"] += 1
    if emails and "@" in text:

        def _email(match: re.Match[str]) -> str:
            counts["email"] += 1
            return EMAIL_PLACEHOLDER

        text = _EMAIL.sub(_email, text)
    if ips:

        def _ip(match: re.Match[str]) -> str:
            if _global_ip(match.group(0)):
                counts["ip"] += 1
                return IP_PLACEHOLDER
            return match.group(0)

        if "." in text:
            text = _IPV4.sub(_ip, text)
        if "::" in text or text.count(":") > 6:
            text = _IPV6.sub(_ip, text)
    return text, counts
