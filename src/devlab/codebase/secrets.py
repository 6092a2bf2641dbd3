"""Find secrets in file text and scrub them before anything is stored or embedded.

DevLab promises that a secret found in code is never stored, embedded or sent to
a model (ARCHITECTURE.md, principle 4). Every ingested file therefore passes
through :func:`scrub` first::

    clean, findings = scrub("app/settings.py", text)

Detection is detect-secrets' own plugin set (AWS keys, private keys, GitHub,
GitLab, Slack, Stripe, OpenAI, ... tokens, high-entropy strings, the
``password = "..."`` keyword detector). We call each plugin's ``analyze_string``
directly instead of going through ``detect_secrets.core.scan``, because that
path reads and *mutates* detect-secrets' process-global settings (unsafe when
two ingestion jobs run in threads) and, when a baseline enables it, verifies
secrets over the network. Here nothing is global and nothing leaves the machine.

Decisions, each on purpose:

* **Public IPv4 addresses are not treated as secrets** (detect-secrets'
  ``IPPublicDetector`` is left out): they are not credentials, and scrubbing
  ``8.8.8.8`` out of a resolver default would change what the code means.
* **Hex high-entropy strings must be at least 32 characters** and pass
  detect-secrets' default entropy limit (3.0). The stock detector flags any
  quoted hex string of 9+ characters, which in real code is mostly colours,
  hashes in tests and magic numbers; real hex API keys are 32+ characters.
  Base64 high-entropy strings keep the stock limit (4.5, which implies 23+
  distinct characters).
* **detect-secrets' false-positive heuristics apply**: sequential strings,
  UUIDs, ``*_id = "..."``, templated values (``"{x}"``, ``"<x>"``, ``"${x}"``),
  ``$VAR`` references, indirect references (``password: get_password()``),
  values without a letter, and the ``# pragma: allowlist secret`` comment.
  Two are narrowed so they cannot hide a real token (see ``_is_false_positive``):
  detect-secrets ignores every line shaped like ``x = call(...)``, which would
  let ``client = Github("ghp_...")`` through.
* **A private key block is scrubbed whole**: from ``-----BEGIN ... PRIVATE
  KEY-----`` to the matching ``-----END`` line (or, if that never comes, for
  as long as the lines look like key material), not just the header line.
* **Line numbers never move**: each value is replaced in place by
  ``<REDACTED:Type>``; the text keeps its exact ``\\n`` structure, so chunk line
  ranges and symbol positions computed afterwards still match the original.

* **Redaction never rewrites code** (``redaction.LiteralGuard``): in a source file
  that parses, a placeholder goes only inside a string literal (between its
  delimiters, so it stays a literal of the same kind) or a comment, never on an
  identifier; a span over an interpolation is a template and stays. The result is
  re-parsed, and stricter placeholders are used if it would no longer parse.

* **A long value is scrubbed everywhere**: once a value of 8+ characters is
  found, its other occurrences in the same file are replaced too (a password
  assigned once and repeated on an unflagged line must not survive), unless the
  file uses the value as a bare name (``password`` the variable). Shorter
  values ("tiger") are replaced only where found: they are also ordinary words.

Speed: running ~25 plugins on every line is slow (about 15k lines/s; detect-secrets'
own ``scan_line`` about 2.5k), so two
prefilter regexes run over the whole text first (``_TOKEN_PREFILTER`` for the
token and entropy plugins, ``_KEYWORD_PREFILTER`` for the keyword detector) and
only the lines they match get the plugin scan. Each prefilter matches a superset
of what its plugins can match (see the comments at their definitions), so it
changes speed, not results; on real packages 3-5% of lines pass, and the whole
scrub runs at about 170-250k lines/s (rich, sqlalchemy, httpx sources).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import NamedTuple

from detect_secrets.filters.heuristic import (
    is_likely_id_string,
    is_not_alphanumeric_string,
    is_potential_uuid,
    is_prefixed_with_dollar_sign,
    is_sequential_string,
    is_templated_secret,
)
from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
from detect_secrets.plugins.high_entropy_strings import (
    Base64HighEntropyString,
    HexHighEntropyString,
    HighEntropyStringsPlugin,
)
from detect_secrets.plugins.keyword import (
    QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
    REGEX_BY_FILETYPE,
    KeywordDetector,
)
from detect_secrets.util.filetype import determine_file_type

from devlab.codebase.records import SecretFinding
from devlab.codebase.redaction import LiteralGuard, safe_placeholder

PRIVATE_KEY_TYPE = "Private Key"
HEX_MIN_LENGTH = 32
# detect-secrets' own plugins we deliberately leave out (see module docstring).
EXCLUDED_PLUGINS = frozenset({"IPPublicDetector"})

# Prefilters: a line can only yield a finding if one of these matches in it, so only
# those lines get the (slow) plugin scan. Why each branch is enough:
# - a 23+ run of token characters, starting where a run starts (the look-behind keeps
#   the regex linear): base64 high entropy (entropy > 4.5 needs 23+ distinct
#   characters), hex high entropy (our 32-character floor), and every token plugin
#   without a literal prefix (Discord 24, Cloudant 24, Mailchimp 32, Twilio 34,
#   Telegram 35, AWS secret 40, IBM 44/48, Softlayer 64, Azure 88);
# - the literal prefixes of the other token plugins (AWS key ids, Artifactory,
#   GitHub, GitLab, OpenAI, PyPI, SendGrid, Square, Stripe, JWT, npm, Slack, keys);
# - basic-auth credentials in URLs: detect-secrets' own pattern.
_TOKEN_PREFILTER = re.compile(
    r"(?<![A-Za-z0-9+/=_\\-])[A-Za-z0-9+/=_\\-]{23,}"
    r"|A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA|AKC|AP[\dA-F]|gh[pousr]_|GR1348941"
    r"|gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-|sk-|pypi-|SG\.|sq0csp-|k_live_"
    r"|eyJ|_authToken|PRIVATE KEY|PuTTY-User-Key-File|xox[abposr]-|hooks\.slack\.com"
    r"|AccountKey=|T3BlbkFJ"
    r"|://[^:/?#\[\]@!$&'()*+,;=\s]+:[^:/?#\[\]@!$&'()*+,;=\s]+@"
)
# The keyword detector ("password = ...") runs only where one of its keywords occurs;
# this runs on the lower-cased text, cheaper than a case-insensitive alternation.
_KEYWORD_PREFILTER = re.compile(
    r"api_?key|auth_?key|service_?key|account_?key|db_?key|database_?key|priv_?key"
    r"|private_?key|client_?key|db_?pass|database_?pass|key_?pass|passw|pwd"
    r"|secret|contraseña|contrasena"
)
_KEY_BEGIN = re.compile(
    r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|BEGIN [A-Z0-9 ]*PRIVATE KEY"
    r"|PuTTY-User-Key-File-\d"
)
_KEY_END = re.compile(r"-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|---- END SSH2")
# Key material inside a block: base64 runs and "Header: value" lines.
_KEY_MATERIAL = re.compile(r"[A-Za-z0-9+/=]{2,}")
_KEY_BODY_LINE = re.compile(
    r"""^[\s"'`+,;()\\]*(?:[A-Za-z0-9+/=]+|[A-Za-z][A-Za-z0-9-]*:[^"'`]*)?(?:\\n)?[\s"'`+,;()\\]*$"""
)
_ALNUM = re.compile(r"[A-Za-z0-9]")
_ALLOWLIST = re.compile(r"pragma: ?allowlist[ -]secret", re.IGNORECASE)
_ALLOWLIST_NEXT = re.compile(r"pragma: ?allowlist[ -]nextline[ -]secret", re.IGNORECASE)


def placeholder(secret_type: str) -> str:
    """The text a secret value is replaced with, e.g. ``<REDACTED:AWS Access Key>``."""
    return f"<REDACTED:{secret_type}>"


_KEYWORD, _ENTROPY, _REGEX, _OTHER = range(4)
_GENERIC_TYPES = frozenset({Base64HighEntropyString.secret_type, HexHighEntropyString.secret_type})
# Values at least this long are also replaced wherever else they occur in the file:
# a password assigned once and repeated unflagged on another line must not survive.
# Shorter values ("tiger", "bar") are replaced only where found, as they also occur as
# ordinary words.
REPEAT_MIN_LENGTH = 8


class _Hit(NamedTuple):
    """A secret's position in one line (never stored: it points at the value)."""

    type: str
    start: int
    end: int
    word_only: bool = False  # the placeholder must be word characters (a Bash word)


@lru_cache(maxsize=1)
def _plugins() -> tuple[tuple[BasePlugin, int], ...]:
    """One instance of each detect-secrets plugin with its kind, built once.

    The instances hold no state we change, so threads can share them.
    """
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    plugins: list[tuple[BasePlugin, int]] = []
    # the library annotates the values with a TypeVar; they are plugin classes
    by_type: Mapping[str, type[BasePlugin]] = get_mapping_from_secret_type_to_class()
    for cls in by_type.values():
        if cls.__name__ in EXCLUDED_PLUGINS:
            continue
        plugin = cls()
        if isinstance(plugin, KeywordDetector):
            kind = _KEYWORD
        elif isinstance(plugin, HighEntropyStringsPlugin):
            kind = _ENTROPY
        elif isinstance(plugin, RegexBasedDetector):
            kind = _REGEX
        else:
            kind = _OTHER
        plugins.append((plugin, kind))
    return tuple(plugins)


def _regex_spans(plugin: RegexBasedDetector, line: str) -> Iterator[tuple[int, int]]:
    """Where a regex plugin's secrets are in ``line``.

    detect-secrets reports a pattern's capture group when it has one; for most
    patterns that group *is* the secret (a password in a URL, a key after
    ``aws_secret=``), but for some it is only a prefix (GitHub's ``(ghp|gho)_...``
    reports "ghp"). A group that starts the match or is shorter than 4 characters
    is such a prefix, and then the whole match is the secret.
    """
    for regex in plugin.denylist:
        for match in regex.finditer(line):
            groups = [g for g in range(1, regex.groups + 1) if match.group(g)]
            best = max(groups, key=lambda g: len(match.group(g)), default=0)
            if not best or match.start(best) == match.start() or len(match.group(best)) < 4:
                yield match.span()
            else:
                yield match.span(best)


def _keyword_spans(plugin: KeywordDetector, path: str, line: str) -> Iterator[tuple[int, int]]:
    """``KeywordDetector.analyze_string``, reporting positions instead of values."""
    if plugin.keyword_exclude and plugin.keyword_exclude.search(line):
        return
    rules = REGEX_BY_FILETYPE.get(
        determine_file_type(path), QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP
    )
    for regex, group in rules.items():
        match = regex.search(line)
        if match:
            yield match.span(group)


def _entropy_spans(plugin: HighEntropyStringsPlugin, line: str) -> Iterator[tuple[int, int]]:
    """Quoted high-entropy strings, with the plugin's limit (and our hex floor)."""
    is_hex = isinstance(plugin, HexHighEntropyString)
    for match in plugin.regex.finditer(line):
        value = match.group(2)
        if is_hex and len(value) < HEX_MIN_LENGTH:
            continue
        if plugin.calculate_shannon_entropy(value) > plugin.entropy_limit:
            yield match.span(2)


def _other_spans(plugin: BasePlugin, line: str) -> Iterator[tuple[int, int]]:
    """A plugin we know nothing about: find each value it reports, everywhere."""
    for value in plugin.analyze_string(line):
        start = line.find(value) if value else -1
        while start >= 0:
            yield start, start + len(value)
            start = line.find(value, start + 1)


def _spans(plugin: BasePlugin, kind: int, path: str, line: str) -> Iterator[tuple[int, int]]:
    if kind == _REGEX:
        return _regex_spans(plugin, line)  # type: ignore[arg-type]
    if kind == _KEYWORD:
        return _keyword_spans(plugin, path, line)  # type: ignore[arg-type]
    if kind == _ENTROPY:
        return _entropy_spans(plugin, line)  # type: ignore[arg-type]
    return _other_spans(plugin, line)


_CALL_OR_SUBSCRIPT = re.compile(r"[\w.-]+[\[(].*[\])]")


def _is_false_positive(plugin: BasePlugin, kind: int, value: str, line: str) -> bool:
    """detect-secrets' default heuristic filters, applied to one candidate value.

    Two are narrowed on purpose. detect-secrets drops a whole *line* that looks
    like ``x = call(...)``, which loses ``client = Github("ghp_...")`` and
    ``conn = connect(password="...")``; here only a keyword value that is itself a
    call or subscript (``password: get_password()``) is dropped. The ``*_id = ...``
    filter is meant for random-looking ids, so it only applies to the high-entropy
    plugins (not to ``user_id="a", password="..."``).
    """
    if (
        is_sequential_string(value)
        or is_potential_uuid(value)
        or is_templated_secret(value)
        or is_prefixed_with_dollar_sign(value)
        or is_not_alphanumeric_string(value)
    ):
        return True
    if kind == _ENTROPY:
        return is_likely_id_string(value, line, plugin)
    if kind == _KEYWORD:
        return bool(_CALL_OR_SUBSCRIPT.fullmatch(value))
    return False


def _scan_line(path: str, line: str, tokens: bool, keywords: bool) -> list[_Hit]:
    """The secrets in one line, in plugin order, one hit per position.

    ``tokens`` / ``keywords`` say which prefilter matched: the keyword detector
    runs only on keyword lines, every other plugin only on token lines. A value
    that is both e.g. a GitHub token and a high-entropy string is reported once,
    under its specific type.
    """
    hits: list[_Hit] = []
    for plugin, kind in _plugins():
        if not (keywords if kind == _KEYWORD else tokens):
            continue
        for start, end in _spans(plugin, kind, path, line):
            value = line[start:end]
            if start < end and not _is_false_positive(plugin, kind, value, line):
                hits.append(_Hit(plugin.secret_type, start, end))
    specific = {(h.start, h.end) for h in hits if h.type not in _GENERIC_TYPES}
    kept: list[_Hit] = []
    for hit in hits:
        if hit not in kept and (
            hit.type not in _GENERIC_TYPES or (hit.start, hit.end) not in specific
        ):
            kept.append(hit)
    return kept


_TOKENS, _KEYWORDS = 1, 2


def _line_indexes(pattern: re.Pattern[str], text: str) -> Iterator[int]:
    """0-based indexes of the lines where ``pattern`` matches (repeats allowed)."""
    line_no = 0
    last = 0
    for match in pattern.finditer(text):
        start = match.start()
        line_no += text.count("\n", last, start)
        last = start
        yield line_no


def _candidate_lines(text: str) -> dict[int, int]:
    """Lines the prefilters say could hold a secret -> which prefilters matched."""
    candidates: dict[int, int] = {}
    for index in _line_indexes(_TOKEN_PREFILTER, text):
        candidates[index] = _TOKENS
    # Lower-casing keeps every "\n", so line indexes agree with ``text``.
    for index in _line_indexes(_KEYWORD_PREFILTER, text.lower()):
        candidates[index] = candidates.get(index, 0) | _KEYWORDS
    return candidates


def _replace_spans(line: str, hits: list[_Hit], strictness: int = 0) -> str:
    """Replace each hit's span by its placeholder; overlapping spans merge.

    ``strictness`` 0 uses ``<REDACTED:Type>`` (word-only where the hit says so), 1 the
    word-only placeholder everywhere, 2 masks the value's letters and digits with
    ``X`` (the last resort that cannot change any token boundary).
    """
    merged: list[list] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if merged and hit.start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hit.end)
            merged[-1][3] = merged[-1][3] or hit.word_only
        else:
            merged.append([hit.start, hit.end, hit.type, hit.word_only])
    for start, end, secret_type, word_only in reversed(merged):
        if strictness >= 2:
            value = _ALNUM.sub("X", line[start:end])
        elif strictness == 1 or word_only:
            value = safe_placeholder(secret_type)
        else:
            value = placeholder(secret_type)
        line = line[:start] + value + line[end:]
    return line


def _scrub_key_begin(line: str) -> tuple[str, bool]:
    """Scrub the key material on a BEGIN line; return (line, block still open)."""
    begin = _KEY_BEGIN.search(line)
    if begin is None:
        return line, False
    head, rest = line[: begin.end()], line[begin.end() :]
    end = _KEY_END.search(rest)
    if end:  # a whole key on one line, e.g. "-----BEGIN...\nMII...\n-----END...-----"
        body = _KEY_MATERIAL.sub(placeholder(PRIVATE_KEY_TYPE), rest[: end.start()])
        return head + body + rest[end.start() :], False
    return head + _KEY_MATERIAL.sub(placeholder(PRIVATE_KEY_TYPE), rest), True


def _scrub_key_body(line: str) -> tuple[str, bool]:
    """Scrub one line inside an open key block; return (line, block still open)."""
    end = _KEY_END.search(line)
    if end:
        body = _KEY_MATERIAL.sub(placeholder(PRIVATE_KEY_TYPE), line[: end.start()])
        return body + line[end.start() :], False
    if not _KEY_BODY_LINE.match(line):
        return line, False  # not key material: the "block" was a mention, not a key
    return _KEY_MATERIAL.sub(placeholder(PRIVATE_KEY_TYPE), line), True


class _Redaction:
    """One file's redaction state: the lines, what was found, where spans may go."""

    def __init__(self, path: str, text: str, lines: list[str], strictness: int) -> None:
        self.path = path
        self.text = text
        self.lines = lines
        self.strictness = strictness
        self.found: dict[str, str] = {}  # value -> type
        self._guard: LiteralGuard | None = None

    @property
    def guard(self) -> LiteralGuard:
        """Built on the first hit only: most files have none and are never re-parsed."""
        if self._guard is None:
            self._guard = LiteralGuard(self.path, self.text, self.lines)
        return self._guard

    def placed(self, index: int, hits: list[_Hit]) -> list[_Hit]:
        """Hits moved to where a placeholder may go; hits on code are dropped."""
        kept: list[_Hit] = []
        for hit in hits:
            where = self.guard.place(index, hit.start, hit.end)
            if where is not None:
                kept.append(_Hit(hit.type, where.start, where.end, where.word_only))
        return kept


def _scan_and_scrub(r: _Redaction, index: int, flags: int) -> tuple[list[str], bool]:
    """Scrub ``r.lines[index]`` in place; return the secret types found there and
    whether a private-key block opens on it. ``r.found`` collects value -> type."""
    lines = r.lines
    line = lines[index]
    bare = line.rstrip("\r")
    if _ALLOWLIST.search(bare) or (index and _ALLOWLIST_NEXT.search(lines[index - 1])):
        return [], False
    hits = _scan_line(r.path, bare, bool(flags & _TOKENS), bool(flags & _KEYWORDS))
    hits = [h for h in hits if not _is_code_name(h, bare, lines)]
    if hits:
        hits = r.placed(index, hits)
    if not hits:
        return [], False
    for hit in hits:
        if hit.type != PRIVATE_KEY_TYPE:
            r.found.setdefault(bare[hit.start : hit.end], hit.type)
    line = _replace_spans(line, [h for h in hits if h.type != PRIVATE_KEY_TYPE], r.strictness)
    opens_key = False
    if any(h.type == PRIVATE_KEY_TYPE for h in hits):
        line, opens_key = _scrub_key_begin(line)
    lines[index] = line
    return list(dict.fromkeys(h.type for h in hits)), opens_key


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
KEYWORD_TYPE = "Secret Keyword"


def _used_as_name(value: str, lines: list[str]) -> bool:
    """Whether ``value`` is an identifier the file also uses as a bare name."""
    if not _IDENTIFIER.match(value):
        return False
    bare_name = re.compile(rf"(?<![\w\"'`]){re.escape(value)}(?![\w\"'`])")
    return any(bare_name.search(line) for line in lines)


def _is_code_name(hit: _Hit, line: str, lines: list[str]) -> bool:
    """A keyword "secret" that the file also uses as a bare name is an identifier,
    not a credential: ``password1_field_name="password1"`` next to ``password1 = ...``.
    Scrubbing it would rewrite the code (and every other use of the name)."""
    value = line[hit.start : hit.end]
    quoted = hit.start > 0 and line[hit.start - 1] in "\"'`"  # a string literal in code
    if hit.type != KEYWORD_TYPE or not quoted:
        return False
    return _used_as_name(value, lines)


def _scrub_repeats(r: _Redaction) -> list[SecretFinding]:
    """Replace other occurrences of long secret values found elsewhere in the file.

    Only where a placeholder may go (a literal or a comment of a parsed file), and
    never for a value the file also uses as a bare name: "password" taken from a
    ``http://user:password@host`` comment must not rename the ``password`` variable.
    """
    extra: list[SecretFinding] = []
    lines = r.lines
    for value, secret_type in sorted(r.found.items(), key=lambda item: -len(item[0])):
        if len(value) < REPEAT_MIN_LENGTH or _used_as_name(value, lines):
            continue
        for index, line in enumerate(lines):
            if value not in line:
                continue
            spans, start = [], line.find(value)
            while start >= 0:
                spans.append(_Hit(secret_type, start, start + len(value)))
                start = line.find(value, start + len(value))
            hits = r.placed(index, spans) if r.guard.active else spans
            if hits:
                lines[index] = _replace_spans(line, hits, r.strictness)
                extra.append(SecretFinding(path=r.path, line=index + 1, type=secret_type))
    return extra


def _scrub_text(path: str, text: str, strictness: int) -> tuple[str, list[SecretFinding], bool]:
    """One redaction pass; returns (text, findings, whether it must be re-checked)."""
    lines = text.split("\n")
    candidates = _candidate_lines(text)
    findings: list[SecretFinding] = []
    r = _Redaction(path, text, lines, strictness)
    in_key = False
    for index in range(len(lines)):
        if in_key:
            line = lines[index]
            lines[index], in_key = _scrub_key_body(line)
            if in_key or _KEY_END.search(line):
                continue
            # The block ended on a line that is not key material: scan it normally.
        flags = candidates.get(index)
        if flags:
            types, in_key = _scan_and_scrub(r, index, flags)
            findings.extend(SecretFinding(path=path, line=index + 1, type=t) for t in types)
    if r.found:
        findings.extend(_scrub_repeats(r))
        findings = sorted(set(findings), key=lambda f: (f.line, f.type))
    result = "\n".join(lines)
    broken = bool(findings) and r.guard.active and not r.guard.still_parses(result)
    return result, findings, broken


def scrub(path: str, text: str) -> tuple[str, list[SecretFinding]]:
    """Return ``text`` with every secret value replaced, and what was found.

    ``path`` is the repository-relative path; it is reported in the findings and
    picks detect-secrets' per-file-type keyword rules (``.py``, ``.yaml``, ...) and
    the grammar that says where a placeholder may go (``redaction.LiteralGuard``:
    inside literals and comments only, never on code).
    The result has exactly as many lines as ``text`` (``\n`` structure kept;
    ``\r`` stays where it was). Findings carry the path, the 1-based line and the
    secret type (detect-secrets' name, e.g. "AWS Access Key"), never the value;
    they are sorted by line. A source file that parsed before still parses after:
    if ``<REDACTED:Type>`` broke it, word-only placeholders are used, and if even
    that did, the values' letters and digits are masked with ``X``.
    """
    for strictness in (0, 1):
        result, findings, broken = _scrub_text(path, text, strictness)
        if not broken:
            return result, findings
    result, findings, _ = _scrub_text(path, text, 2)
    return result, findings


def scan_secrets(path: str, text: str) -> list[SecretFinding]:
    """The secrets in ``text`` (path, line, type), without changing anything."""
    return scrub(path, text)[1]


def scrub_secrets(text: str, path: str = "") -> str:
    """``text`` with its secrets replaced (see :func:`scrub`, which also says what
    was found; call that one when you need both, it scans once)."""
    return scrub(path, text)[0]


__all__ = [
    "PRIVATE_KEY_TYPE",
    "placeholder",
    "scan_secrets",
    "scrub",
    "scrub_secrets",
]
