"""Secret scrubbing: every value gone, line numbers kept, ordinary code untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from devlab.codebase import secrets
from devlab.codebase.secrets import scan_secrets, scrub, scrub_secrets

AWS_KEY = "AKIAJ4QZ7WXY3PLMNB2Q"
AWS_SECRET = "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"
GITHUB_TOKEN = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A"
SLACK_TOKEN = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
STRIPE_KEY = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
PASSWORD = "hunter2hunter2"
KEY_BODY = [
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
    "LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo",
    "9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvre==",
]
PRIVATE_KEY = "\n".join(
    ["-----BEGIN RSA PRIVATE KEY-----", *KEY_BODY, "-----END RSA PRIVATE KEY-----"]
)

SETTINGS_PY = f'''"""Deployment settings."""
import os

AWS_ACCESS_KEY_ID = "{AWS_KEY}"
aws_secret_access_key = "{AWS_SECRET}"
GITHUB = "{GITHUB_TOKEN}"
password = "{PASSWORD}"
SLACK = "{SLACK_TOKEN}"
STRIPE = "{STRIPE_KEY}"
SSH_KEY = """{PRIVATE_KEY}"""


def connect():
    return os.environ.get("DB_URL")
'''

ALL_VALUES = [AWS_KEY, AWS_SECRET, GITHUB_TOKEN, PASSWORD, SLACK_TOKEN, STRIPE_KEY, *KEY_BODY]


def test_every_secret_is_scrubbed_and_lines_are_kept() -> None:
    clean, findings = scrub("app/settings.py", SETTINGS_PY)
    for value in ALL_VALUES:
        assert value not in clean
    assert clean.count("\n") == SETTINGS_PY.count("\n")
    # untouched lines stay byte-identical
    for before, after in zip(SETTINGS_PY.split("\n"), clean.split("\n"), strict=True):
        if not any(v in before for v in ALL_VALUES):
            assert before == after
    types = {f.type for f in findings}
    assert {
        "AWS Access Key",
        "GitHub Token",
        "Secret Keyword",
        "Slack Token",
        "Stripe Access Key",
        "Private Key",
    } <= types


def test_findings_say_where_and_what_but_never_the_value() -> None:
    findings = scan_secrets("app/settings.py", SETTINGS_PY)
    lines = SETTINGS_PY.split("\n")
    found = {(f.line, f.type) for f in findings}
    for value, secret_type in [
        (AWS_KEY, "AWS Access Key"),
        (GITHUB_TOKEN, "GitHub Token"),
        (PASSWORD, "Secret Keyword"),
        (SLACK_TOKEN, "Slack Token"),
        ("BEGIN RSA PRIVATE KEY", "Private Key"),
    ]:
        line = next(i for i, text in enumerate(lines, 1) if value in text)
        assert (line, secret_type) in found
    assert all(f.path == "app/settings.py" for f in findings)
    dumped = repr(findings)
    assert not any(value in dumped for value in ALL_VALUES)


def test_placeholders_name_the_secret_type() -> None:
    clean = scrub_secrets(f'token = "{GITHUB_TOKEN}"\n', path="x.py")
    assert clean == 'token = "<REDACTED:GitHub Token>"\n'
    clean = scrub_secrets(f'key = "{AWS_KEY}"\n', path="x.py")
    assert clean == 'key = "<REDACTED:AWS Access Key>"\n'


def test_private_key_body_is_scrubbed_whole() -> None:
    text = f"before = 1\n{PRIVATE_KEY}\nafter = 2\n"
    clean, findings = scrub("id_rsa.txt", text)
    lines = clean.split("\n")
    assert lines[0] == "before = 1"
    assert lines[1] == "-----BEGIN RSA PRIVATE KEY-----"
    assert all(line == "<REDACTED:Private Key>" for line in lines[2:6])
    assert lines[6] == "-----END RSA PRIVATE KEY-----"
    assert lines[7] == "after = 2"
    assert [f.line for f in findings] == [2]


def test_private_key_in_one_escaped_string() -> None:
    one_line = PRIVATE_KEY.replace("\n", "\\n")
    clean = scrub_secrets(f'KEY = "{one_line}"\n', path="k.js")
    assert not any(body in clean for body in KEY_BODY)
    assert "-----END RSA PRIVATE KEY-----" in clean


def test_key_header_mentioned_in_code_does_not_eat_the_file() -> None:
    text = (
        "MARKERS = [\n"
        "    'BEGIN RSA PRIVATE KEY',\n"
        "    'BEGIN EC PRIVATE KEY',\n"
        "]\n"
        "def check(line):\n"
        "    return any(m in line for m in MARKERS)\n"
    )
    clean = scrub_secrets(text, path="markers.py")
    assert clean.split("\n")[4:] == text.split("\n")[4:]


def _real_package_files() -> list[Path]:
    """A real, stable corpus: the modules of the installed ``rich`` package."""
    import rich

    return sorted(Path(rich.__file__).parent.glob("*.py"))


def test_ordinary_source_is_unchanged() -> None:
    for path in _real_package_files():
        text = path.read_text(encoding="utf-8")
        clean, findings = scrub(path.name, text)
        assert findings == [], (path, findings)
        assert clean == text


def test_short_values_are_replaced_only_where_found() -> None:
    line = "{'username': 'foo', 'password': 'bar', 'host': 'bar.com'}"
    clean = scrub_secrets(line, path="conf.py")
    assert clean == (
        "{'username': 'foo', 'password': '<REDACTED:Secret Keyword>', 'host': 'bar.com'}"
    )


def test_long_values_are_replaced_everywhere_in_the_file() -> None:
    text = f'password = "{PASSWORD}"\nlogin(user, "{PASSWORD}")\n'
    clean, findings = scrub("app.py", text)
    assert PASSWORD not in clean
    assert [f.line for f in findings] == [1, 2]


def test_basic_auth_password_in_url() -> None:
    clean = scrub_secrets('DB = "postgresql://scott:s3cr3tpw@db.example.com/app"\n', "db.py")
    assert "s3cr3tpw" not in clean
    assert "postgresql://scott:<REDACTED:Basic Auth Credentials>@db.example.com/app" in clean


def test_allowlist_pragma_and_false_positive_heuristics() -> None:
    allowed = f'token = "{GITHUB_TOKEN}"  # pragma: allowlist secret\n'
    assert scrub("x.py", allowed) == (allowed, [])
    benign = (
        "password = get_password()\n"
        'secret = "${SECRET}"\n'
        'api_key = "{api_key}"\n'
        'user_id = "8f14e45fceea167a5a36dedd4bea2543"\n'
        'color = "ffcc00"\n'
        'uuid = "123e4567-e89b-12d3-a456-426614174000"\n'
    )
    assert scrub("x.py", benign) == (benign, [])


def test_crlf_and_trailing_text_are_preserved() -> None:
    text = f'a = 1\r\npassword = "{PASSWORD}"\r\nb = 2'
    clean = scrub_secrets(text, path="x.py")
    assert clean == 'a = 1\r\npassword = "<REDACTED:Secret Keyword>"\r\nb = 2'


def test_prefilter_never_hides_a_finding() -> None:
    """The prefilter must only change speed: scanning every line with every plugin
    finds nothing the prefiltered scrub missed."""
    corpus = [SETTINGS_PY]
    corpus += [p.read_text(encoding="utf-8") for p in _real_package_files()[:15]]
    corpus.append(
        "\n".join(
            [
                "jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N'",
                "npm = '//npm.registry.example/:_authToken=npm_abcdefghijklmnopqrstuvwxyz1234'",
                "hook = 'https://hooks.slack.com/services/T0000AAAA/B0000BBBB/XXXXXXXXabcdefgh'",
                "art = 'AKCp5bueTFnM2MMmhJkQv'",
                "hexkey = 'a3f9c1e27b4d8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f9'",
            ]
        )
    )
    for text in corpus:
        _, findings = scrub("corpus.py", text)
        got = {(f.line, f.type) for f in findings}
        full = set()
        for index, line in enumerate(text.split("\n")):
            for hit in secrets._scan_line("corpus.py", line, True, True):
                full.add((index + 1, hit.type))
        assert full <= got


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "x = '" + "a" * 5000 + "'",
        "no newline at end",
    ],
)
def test_edge_texts_keep_their_shape(text: str) -> None:
    clean = scrub_secrets(text, path="e.py")
    assert clean == text


def test_secrets_inside_calls_are_not_mistaken_for_indirect_references() -> None:
    """detect-secrets skips every ``x = call(...)`` line; we must not."""
    text = (
        f'client = Github("{GITHUB_TOKEN}")\n'
        f'conn = connect(user_id="bob", password="{PASSWORD}")\n'
        'engine = create_engine("postgresql://app:Sup3rS3cret@db/prod")\n'
        "password = get_password()\n"
    )
    clean, findings = scrub("app.py", text)
    assert GITHUB_TOKEN not in clean and PASSWORD not in clean and "Sup3rS3cret" not in clean
    assert [f.line for f in findings] == [1, 2, 3]
    assert clean.split("\n")[3] == "password = get_password()"


def test_config_files_use_unquoted_keyword_rules() -> None:
    text = "db:\n  password: s3cr3tValue\n  other: ${DB_PASS}\n  password: ${DB_PASS}\n"
    clean, findings = scrub("config.yaml", text)
    assert "s3cr3tValue" not in clean
    assert [f.line for f in findings] == [2]
    assert clean.split("\n")[3] == "  password: ${DB_PASS}"


def test_a_keyword_value_the_code_uses_as_a_name_is_not_a_secret() -> None:
    # Django's auth forms: "password1" is a field name, and scrubbing it (and every
    # other use of the name) broke the module's syntax.
    text = (
        "class SetPasswordMixin:\n"
        '    def validate(self, password1_field_name="password1"):\n'
        "        password1 = self.cleaned_data.get(password1_field_name)\n"
        "        return password1\n"
    )
    clean, findings = scrub("forms.py", text)
    assert clean == text and findings == []
    clean, findings = scrub("settings.py", 'DB_PASSWORD = "correcthorse9"\n')
    assert "correcthorse9" not in clean and findings
