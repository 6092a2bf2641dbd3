"""Redaction never rewrites code: only the secret's span, inside literals and comments.

A redacted file must parse exactly when the original did. The cases come from real
code that broke before (httpie's argparser, Django's auth forms) and from real
codebases installed on the machine (Python packages in the venv, npm's own
JavaScript, Go's standard library, the JDK's sources, Debian's Bash scripts).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from devlab.codebase.grammars import get_parser
from devlab.codebase.languages import PARSED_LANGUAGES, detect_language
from devlab.codebase.secrets import scrub

AWS_KEY = "AKIAJ4QZ7WXY3PLMNB2Q"
AWS_SECRET = "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"
GITHUB_TOKEN = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A"
SLACK_TOKEN = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
STRIPE_KEY = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N"
SENDGRID = "SG." + "ngeVfQFYQlKU0ufo8x5d1A.TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr"
PASSWORD = "hunter2hunter2"
URL_PASSWORD = "s3cr3tPw0rd9"
KEY_LINES = [
    "-----BEGIN RSA PRIVATE KEY-----",
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
    "-----END RSA PRIVATE KEY-----",
]


def _parses(language: str, text: str) -> bool:
    return not get_parser(language).parse(text.encode("utf-8", "replace")).root_node.has_error


# httpie 3.2.2, httpie/cli/argparser.py (BSD-3-Clause), the lines that broke.
HTTPIE_ARGPARSER = """\
def _process_auth(self):
    url = urlsplit(self.args.url)
    if self.args.auth is None and not auth_type_set:
        if url.username is not None:
            # Handle http://username:password@hostname/
            username = url.username
            password = url.password or ''
            self.args.auth = AuthCredentials(
                key=username,
                value=password,
                sep=SEPARATOR_CREDENTIALS,
                orig=SEPARATOR_CREDENTIALS.join([username, password])
            )
    if self.args.auth is not None and not self.args.auth.has_password():
        self.args.auth.prompt_password(url.netloc)
"""


def test_httpie_argparser_comment_is_redacted_in_its_span_only() -> None:
    clean, findings = scrub("httpie/cli/argparser.py", HTTPIE_ARGPARSER)
    before, after = HTTPIE_ARGPARSER.split("\n"), clean.split("\n")
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [4]
    assert (
        after[4]
        == "            # Handle http://username:<REDACTED:Basic Auth Credentials>@hostname/"
    )
    assert "password = url.password or ''" in clean
    assert "prompt_password(url.netloc)" in clean
    assert _parses("python", clean)
    assert [(f.line, f.type) for f in findings] == [(5, "Basic Auth Credentials")]


def test_keyword_arguments_named_password_keep_their_names() -> None:
    text = (
        "def login(password=None):\n"
        f'    connect(user="bob", password="{PASSWORD}")\n'
        "    return prompt_password(password=password)\n"
        f'DSN = "postgresql://app:{URL_PASSWORD}@db/prod"\n'
        'print(f"http://{user}:{password}@{host}/")\n'
    )
    clean, _ = scrub("app.py", text)
    lines = clean.split("\n")
    assert lines[0] == "def login(password=None):"
    assert lines[1] == '    connect(user="bob", password="<REDACTED:Secret Keyword>")'
    assert lines[2] == "    return prompt_password(password=password)"
    assert URL_PASSWORD not in clean and lines[3].startswith('DSN = "postgresql://app:<')
    assert lines[4] == 'print(f"http://{user}:{password}@{host}/")'  # a template, not a secret
    assert _parses("python", clean)


def test_docstrings_and_comments_keep_their_kind() -> None:
    text = (
        f'"""Connect with https://admin:{URL_PASSWORD}@example.com/ or a token {GITHUB_TOKEN}."""\n'
        f"# aws: {AWS_KEY}\n"
        f"TOKEN = r'{GITHUB_TOKEN}'\n"
        f'RAW = b"{AWS_KEY}"\n'
        f"KEY = '''{chr(10).join(KEY_LINES)}'''\n"
    )
    clean, findings = scrub("docs.py", text)
    for value in (URL_PASSWORD, GITHUB_TOKEN, AWS_KEY, KEY_LINES[1], KEY_LINES[2]):
        assert value not in clean
    assert clean.startswith('"""Connect with https://admin:<REDACTED:')
    assert "TOKEN = r'<REDACTED:GitHub Token>'" in clean
    assert 'RAW = b"<REDACTED:AWS Access Key>"' in clean
    assert _parses("python", clean)
    assert len({f.line for f in findings}) >= 4


@pytest.mark.parametrize(
    ("path", "language", "text"),
    [
        ("cfg.js", "javascript", f"const t = `token ${{x}} {GITHUB_TOKEN}`; // {AWS_KEY}\n"),
        ("cfg.ts", "typescript", f'export const key: string = "{AWS_KEY}";\n'),
        ("Cfg.java", "java", f'class Cfg {{ String k = """\n  {GITHUB_TOKEN}\n  """; }}\n'),
        ("cfg.go", "go", f"package cfg\n\nvar k = `{AWS_KEY}` // {GITHUB_TOKEN}\n"),
        ("deploy.sh", "bash", f"export AWS_KEY={AWS_KEY}\necho '{GITHUB_TOKEN}' \"$HOME\"\n"),
    ],
)
def test_each_language_keeps_parsing(path: str, language: str, text: str) -> None:
    assert _parses(language, text)
    clean, findings = scrub(path, text)
    assert AWS_KEY not in clean and GITHUB_TOKEN not in clean
    assert findings
    assert _parses(language, clean), clean


def test_a_bash_word_gets_a_word_only_placeholder() -> None:
    clean, _ = scrub("deploy.sh", f"export AWS_KEY={AWS_KEY}\n")
    assert clean == "export AWS_KEY=REDACTED_AWS_Access_Key\n"


def test_a_value_used_as_a_name_is_not_replaced_elsewhere() -> None:
    text = (
        "# see http://username:password@hostname/\n"
        "password = input()\n"
        "data = {'password': password}\n"
    )
    clean, _ = scrub("cli.py", text)
    assert clean.split("\n")[1:] == text.split("\n")[1:]


def test_files_without_a_grammar_keep_the_plain_replacement() -> None:
    clean, _ = scrub("settings.yaml", f"token: {GITHUB_TOKEN}\n")
    assert clean == "token: <REDACTED:GitHub Token>\n"


# --- whole real codebases -------------------------------------------------------------


def _planted(language: str, n: int) -> str:
    """Ten secret formats written the way each language writes literals."""
    key = "\n".join(KEY_LINES)
    values = {
        "aws_key": AWS_KEY,
        "aws_secret_access_key": AWS_SECRET,
        "github": GITHUB_TOKEN,
        "slack": SLACK_TOKEN,
        "stripe": STRIPE_KEY,
        "jwt": JWT,
        "sendgrid": SENDGRID,
        "password": PASSWORD,
        "dsn": f"postgresql://app:{URL_PASSWORD}@db/prod",
    }
    if language == "python":
        body = [f'planted_{k}_{n} = "{v}"' for k, v in values.items()]
        body.append(f'planted_key_{n} = """{key}"""')
    elif language in ("javascript", "typescript"):
        body = [f'const planted_{k}_{n} = "{v}";' for k, v in values.items()]
        body.append(f"const planted_key_{n} = `{key}`;")
    elif language == "java":
        fields = [f'String planted_{k} = "{v}";' for k, v in values.items()]
        body = [f"class Planted{n} {{", *fields, f'String key = """\n{key}""";', "}"]
    elif language == "go":
        body = [f'var planted_{k}_{n} = "{v}"' for k, v in values.items()]
        body.append(f"var planted_key_{n} = `{key}`")
    else:
        body = [f'planted_{k}_{n}="{v}"' for k, v in values.items()]
        body.append(f"planted_key_{n}='{key}'")
    return "\n" + "\n".join(body) + "\n"


SECRET_VALUES = [
    AWS_KEY,
    AWS_SECRET,
    GITHUB_TOKEN,
    SLACK_TOKEN,
    STRIPE_KEY,
    JWT,
    SENDGRID,
    PASSWORD,
    URL_PASSWORD,
    *KEY_LINES[1:3],
]


def _corpus() -> dict[str, list[tuple[str, str]]]:
    """(path, text) per language from real code installed on this machine."""
    found: dict[str, list[tuple[str, str]]] = {}

    def add(path: str, text: str) -> None:
        language = detect_language(path, text[:256].encode("utf-8", "replace"))
        if language in PARSED_LANGUAGES:
            found.setdefault(language, []).append((path, text))

    site = Path(pytest.__file__).resolve().parents[1]
    for package in ("rich", "httpx", "click", "detect_secrets", "typer", "starlette"):
        for path in sorted((site / package).rglob("*.py"))[:60]:
            add(str(path.relative_to(site)), path.read_text("utf-8", "replace"))
    for root, pattern in (
        (Path("/usr/lib/node_modules/npm/lib"), "*.js"),
        (Path("/usr/lib/node_modules/typescript/lib"), "*.d.ts"),
    ):
        for path in sorted(root.rglob(pattern))[:60] if root.is_dir() else []:
            add(str(path), path.read_text("utf-8", "replace"))
    for go_root in sorted(Path("/usr/lib").glob("go-*/src/net/http"))[:1]:
        for path in sorted(go_root.glob("*.go"))[:60]:
            add(str(path), path.read_text("utf-8", "replace"))
    for src_zip in sorted(Path("/usr/lib/jvm").glob("java-17-openjdk-*/lib/src.zip"))[:1]:
        with zipfile.ZipFile(src_zip) as archive:
            names = [n for n in archive.namelist() if n.startswith("java.base/java/util/")]
            for name in sorted(n for n in names if n.endswith(".java"))[:60]:
                add(name, archive.read(name).decode("utf-8", "replace"))
    scripts = [p for p in sorted(Path("/usr/bin").iterdir()) if p.is_file()]
    for path in scripts:
        head = path.read_bytes()[:64] if path.stat().st_size < 200_000 else b""
        if head.startswith(b"#!") and b"bash" in head.split(b"\n", 1)[0]:
            add(f"bin/{path.name}", path.read_text("utf-8", "replace"))
    return found


@pytest.mark.slow
def test_real_codebases_parse_exactly_when_the_original_did() -> None:
    corpus = _corpus()
    assert {"python", "javascript", "bash"} <= set(corpus)
    made_unparsable: list[str] = []
    missed: list[str] = []
    for language, files in corpus.items():
        for n, (path, text) in enumerate(files):
            parsed_before = _parses(language, text)
            clean, _ = scrub(path, text)
            if parsed_before and not _parses(language, clean):
                made_unparsable.append(path)
            if n % 10:
                continue
            planted = text + _planted(language, n)
            if not _parses(language, planted):
                continue
            clean, _ = scrub(path, planted)
            missed += [f"{path}: {v[:6]}" for v in SECRET_VALUES if v in clean]
            if not _parses(language, clean):
                made_unparsable.append(f"{path} (planted)")
    assert made_unparsable == []
    assert missed == []
