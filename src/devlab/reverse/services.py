"""Service detection: what a codebase serves, talks to and starts from.

Regular expressions over the snapshot's file texts (not the source tree): HTTP
routes (FastAPI, Flask, Django urls, Express, Spring, Go net/http), database
access, message queues, outbound HTTP calls and entry points, each with its file
and line. Usage patterns count only in files that import the library, which keeps
``.execute(`` in a file without a database driver from reading as SQL.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from devlab.codebase import resolve_project, snapshot_texts
from devlab.store import Database

__all__ = ["EntryPoint", "Route", "ServiceMap", "Usage", "detect_services"]

MAX_USAGES_PER_FILE = 20


class Route(BaseModel):
    framework: str
    method: str = Field(description="GET, POST ... or ANY")
    route: str
    handler: str = ""
    path: str
    line: int


UsageCategory = Literal["database", "queue", "http_client"]


class Usage(BaseModel):
    category: UsageCategory
    library: str
    path: str
    line: int
    code: str


class EntryPoint(BaseModel):
    kind: str = Field(description="main-guard | console-script | go-main | java-main | node-bin")
    name: str
    path: str
    line: int


class ServiceMap(BaseModel):
    project: str
    routes: list[Route] = Field(default_factory=list)
    database: list[Usage] = Field(default_factory=list)
    queues: list[Usage] = Field(default_factory=list)
    outbound_http: list[Usage] = Field(default_factory=list)
    entry_points: list[EntryPoint] = Field(default_factory=list)


# ---------------------------------------------------------------- routes

_Q = r"""(?P<q>['"`])(?P<route>[^'"`]*)(?P=q)"""
_PY_ROUTE = re.compile(
    r"^\s*@\s*(?P<obj>[\w.]+)\.(?P<verb>get|post|put|patch|delete|head|options|route"
    r"|api_route|websocket)\(\s*" + _Q + r"(?P<rest>.*)$"
)
_PY_METHODS = re.compile(r"methods\s*=\s*[\[(]([^\])]*)")
_PY_DEF = re.compile(r"^\s*(?:async\s+)?def\s+(\w+)")
_DJANGO = re.compile(r"\b(?:re_)?path\(\s*r?" + _Q + r"\s*,\s*(?P<view>[\w.]+(?:\.as_view\(\))?)")
_EXPRESS = re.compile(
    r"\b(?P<obj>app|router|server|api|\w+Router)\.(?P<verb>get|post|put|patch|delete|all|use)"
    r"\(\s*" + _Q + r"\s*,\s*(?P<handler>[\w.]+)?"
)
_SPRING = re.compile(
    r"@(?P<verb>Get|Post|Put|Patch|Delete|Request)Mapping\s*(?:\(\s*(?:(?:value|path)\s*=\s*)?"
    r"\{?\s*(?:" + _Q + r")?(?P<rest>[^)]*)\))?"
)
_JAVA_METHOD = re.compile(r"^\s*(?:public|protected|private)?[\w<>\[\], ]*\s(\w+)\s*\(")
_JAVA_CLASS = re.compile(r"\bclass\s+\w+")
_GO_ROUTE = re.compile(
    r"\b(?P<obj>http|mux|\w*[rR]outer|r|e|g|app)\.(?P<verb>HandleFunc|Handle|GET|POST|PUT|PATCH"
    r"|DELETE|Get|Post|Put|Patch|Delete)\(\s*" + _Q + r"\s*,\s*(?P<handler>[\w.]+)?"
)


def _python_routes(path: str, lines: list[str]) -> list[Route]:
    found = []
    for number, line in enumerate(lines, 1):
        match = _PY_ROUTE.match(line)
        if not match:
            continue
        verb = match.group("verb")
        if verb in ("route", "api_route"):
            listed = _PY_METHODS.search(match.group("rest"))
            methods = re.findall(r"\w+", listed.group(1)) if listed else ["GET"]
            method = ",".join(m.upper() for m in methods)
            framework = "flask" if verb == "route" else "fastapi"
        else:
            method = "WS" if verb == "websocket" else verb.upper()
            framework = "fastapi" if verb != "route" else "flask"
        handler = ""
        for following in lines[number : number + 8]:
            if found_def := _PY_DEF.match(following):
                handler = found_def.group(1)
                break
        found.append(
            Route(
                framework=framework,
                method=method,
                route=match.group("route"),
                handler=handler,
                path=path,
                line=number,
            )
        )
    return found


def _spring_routes(path: str, lines: list[str]) -> list[Route]:
    found, prefix = [], ""
    for number, line in enumerate(lines, 1):
        match = _SPRING.search(line)
        if not match:
            continue
        route = match.group("route") or ""
        verb = match.group("verb")
        following = lines[number : number + 6]
        if verb == "Request" and any(_JAVA_CLASS.search(f) for f in following[:3]):
            prefix = route  # a class-level @RequestMapping is the controller's prefix
            continue
        method = verb.upper() if verb != "Request" else "ANY"
        rest = match.group("rest") or ""
        if verb == "Request" and (m := re.search(r"RequestMethod\.(\w+)", rest)):
            method = m.group(1)
        handler = next((m.group(1) for f in following if (m := _JAVA_METHOD.match(f[:400]))), "")
        joined = (prefix.rstrip("/") + "/" + route.lstrip("/")) if prefix else route
        found.append(
            Route(
                framework="spring",
                method=method,
                route=joined or "/",
                handler=handler,
                path=path,
                line=number,
            )
        )
    return found


def _pattern_routes(
    path: str, lines: list[str], pattern: re.Pattern[str], framework: str, skip_use: bool = True
) -> list[Route]:
    found = []
    for number, line in enumerate(lines, 1):
        for match in pattern.finditer(line):
            verb = match.group("verb")
            if skip_use and verb == "use":
                continue
            method = "ANY" if verb in ("HandleFunc", "Handle", "all") else verb.upper()
            found.append(
                Route(
                    framework=framework,
                    method=method,
                    route=match.group("route"),
                    handler=match.group("handler") or "",
                    path=path,
                    line=number,
                )
            )
    return found


def _django_routes(path: str, lines: list[str]) -> list[Route]:
    return [
        Route(
            framework="django",
            method="ANY",
            route=m.group("route"),
            handler=m.group("view"),
            path=path,
            line=number,
        )
        for number, line in enumerate(lines, 1)
        for m in _DJANGO.finditer(line)
    ]


# ---------------------------------------------------------------- usages

# (category, library, import pattern, usage pattern) per language family
_Rule = tuple[UsageCategory, str, re.Pattern[str], re.Pattern[str]]


def _rule(category: UsageCategory, library: str, imports: str, usage: str) -> _Rule:
    return category, library, re.compile(imports, re.MULTILINE), re.compile(usage)


_PY_RULES = [
    _rule(
        "database",
        "sqlalchemy",
        r"^\s*(from|import)\s+sqlalchemy",
        r"create_engine\(|\.execute\(|session\.(query|add|commit)\(|select\(",
    ),
    _rule(
        "database",
        "psycopg",
        r"^\s*(from|import)\s+psycopg",
        r"psycopg2?\.connect\(|\.execute\(|\.cursor\(",
    ),
    _rule("database", "sqlite3", r"^\s*(from|import)\s+sqlite3", r"sqlite3\.connect\(|\.execute\("),
    _rule(
        "database",
        "django-orm",
        r"^\s*from\s+django\.db\s+import|^\s*from\s+django\.db\.models",
        r"\.objects\.\w+\(|models\.\w+Field\(",
    ),
    _rule("database", "pymongo", r"^\s*(from|import)\s+pymongo", r"MongoClient\("),
    _rule(
        "queue",
        "celery",
        r"^\s*(from|import)\s+celery",
        r"Celery\(|@\w*\.?task\b|@shared_task|\.delay\(|\.apply_async\(",
    ),
    _rule(
        "queue",
        "kafka",
        r"^\s*(from|import)\s+(kafka|confluent_kafka|aiokafka)",
        r"(Producer|Consumer)\(|\.send\(|\.produce\(|\.subscribe\(",
    ),
    _rule(
        "queue",
        "rabbitmq",
        r"^\s*(from|import)\s+(pika|aio_pika|kombu)",
        r"BlockingConnection\(|basic_publish\(|basic_consume\(|connect_robust\(",
    ),
    _rule(
        "queue",
        "redis-pubsub",
        r"^\s*(from|import)\s+redis",
        r"\.pubsub\(|\.publish\(|\.subscribe\(",
    ),
    _rule(
        "http_client",
        "requests",
        r"^\s*(from|import)\s+requests\b",
        r"requests\.(get|post|put|patch|delete|head|request|Session)\(",
    ),
    _rule(
        "http_client",
        "httpx",
        r"^\s*(from|import)\s+httpx",
        r"httpx\.(get|post|put|patch|delete|request|Client|AsyncClient)\(",
    ),
    _rule("http_client", "urllib", r"^\s*(from|import)\s+urllib", r"urlopen\(|Request\("),
    _rule("http_client", "aiohttp", r"^\s*(from|import)\s+aiohttp", r"ClientSession\("),
]
_JS_RULES = [
    _rule("http_client", "fetch", r"", r"\bfetch\("),
    _rule(
        "http_client",
        "axios",
        r"""['"]axios['"]""",
        r"axios(\.(get|post|put|patch|delete|request|create))?\(",
    ),
    _rule(
        "database",
        "sql",
        r"""['"](pg|mysql2?|sqlite3|better-sqlite3|knex)['"]""",
        r"\.query\(|\.execute\(|new Pool\(|createConnection\(",
    ),
    _rule(
        "database",
        "mongodb",
        r"""['"](mongodb|mongoose)['"]""",
        r"MongoClient|mongoose\.(connect|model)\(",
    ),
    _rule("database", "prisma", r"""['"]@prisma/client['"]""", r"new PrismaClient\("),
    _rule("queue", "kafka", r"""['"]kafkajs['"]""", r"\.producer\(|\.consumer\(|\.send\("),
    _rule("queue", "rabbitmq", r"""['"]amqplib['"]""", r"\.(publish|sendToQueue|consume)\("),
]
_JAVA_RULES = [
    _rule(
        "database",
        "jdbc",
        r"^\s*import\s+java\.sql\.",
        r"DriverManager\.getConnection\(|prepareStatement\(|createStatement\(|executeQuery\(",
    ),
    _rule(
        "database",
        "jpa",
        r"^\s*import\s+(javax|jakarta)\.persistence\.|JpaRepository",
        r"@Entity|@Repository|EntityManager|extends\s+JpaRepository",
    ),
    _rule(
        "queue",
        "kafka",
        r"^\s*import\s+org\.(apache\.kafka|springframework\.kafka)",
        r"KafkaTemplate|KafkaProducer|@KafkaListener",
    ),
    _rule(
        "queue",
        "rabbitmq",
        r"^\s*import\s+(com\.rabbitmq|org\.springframework\.amqp)",
        r"RabbitTemplate|@RabbitListener|basicPublish\(",
    ),
    _rule(
        "http_client",
        "java-http",
        r"^\s*import\s+(java\.net\.http|org\.springframework\.web"
        r"\.client|okhttp3)",
        r"HttpClient|RestTemplate|WebClient|OkHttpClient",
    ),
]
_GO_RULES = [
    _rule("database", "database/sql", r'"database/sql"', r"sql\.Open\(|\.Query(Row)?\(|\.Exec\("),
    _rule("database", "gorm", r'"gorm\.io/gorm"', r"gorm\.Open\("),
    _rule(
        "http_client",
        "net/http",
        r'"net/http"',
        r"http\.(Get|Post|PostForm|Head|NewRequest)\(|\.Do\(req",
    ),
    _rule(
        "queue",
        "kafka",
        r'"github\.com/(segmentio/kafka-go|confluentinc|Shopify/sarama|IBM/sarama)',
        r"NewWriter\(|NewReader\(|NewProducer\(|NewConsumer\(",
    ),
]
_RULES = {
    "python": _PY_RULES,
    "javascript": _JS_RULES,
    "typescript": _JS_RULES,
    "tsx": _JS_RULES,
    "java": _JAVA_RULES,
    "go": _GO_RULES,
}


def _usages(path: str, language: str, text: str, lines: list[str]) -> list[Usage]:
    found: list[Usage] = []
    for category, library, imports, usage in _RULES.get(language, []):
        if imports.pattern and not imports.search(text):
            continue
        hits = [
            Usage(category=category, library=library, path=path, line=n, code=line.strip()[:160])
            for n, line in enumerate(lines, 1)
            if usage.search(line) and not line.lstrip().startswith(("#", "//", "import "))
        ]
        if not hits and imports.pattern:  # imported but no recognised call: the import line
            match = imports.search(text)
            assert match is not None
            n = text.count("\n", 0, match.start()) + 1
            hits = [
                Usage(
                    category=category,
                    library=library,
                    path=path,
                    line=n,
                    code=lines[n - 1].strip()[:160],
                )
            ]
        found.extend(hits[:MAX_USAGES_PER_FILE])
    return found


# ---------------------------------------------------------------- entry points

_MAIN_GUARD = re.compile(r"""^if\s+__name__\s*==\s*['"]__main__['"]\s*:""", re.MULTILINE)
_GO_MAIN = re.compile(r"^func\s+main\(\)", re.MULTILINE)
_JAVA_MAIN = re.compile(r"public\s+static\s+void\s+main\s*\(")
_SCRIPTS_TABLE = re.compile(r"^\[project\.scripts\]\s*$|^\[tool\.poetry\.scripts\]\s*$")
_SCRIPT_LINE = re.compile(r"""^\s*["']?([\w.-]+)["']?\s*=\s*["']([^"']+)["']""")


def _entry_points(path: str, language: str, text: str, lines: list[str]) -> list[EntryPoint]:
    found = []

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    if language == "python":
        found += [
            EntryPoint(kind="main-guard", name=path, path=path, line=line_of(m.start()))
            for m in _MAIN_GUARD.finditer(text)
        ]
    elif language == "go" and re.search(r"^package\s+main\b", text, re.MULTILINE):
        found += [
            EntryPoint(kind="go-main", name=path, path=path, line=line_of(m.start()))
            for m in _GO_MAIN.finditer(text)
        ]
    elif language == "java":
        found += [
            EntryPoint(kind="java-main", name=path, path=path, line=line_of(m.start()))
            for m in _JAVA_MAIN.finditer(text)
        ]
    if path.endswith("pyproject.toml"):
        in_table = False
        for number, line in enumerate(lines, 1):
            if line.startswith("["):
                in_table = bool(_SCRIPTS_TABLE.match(line))
                continue
            if in_table and (m := _SCRIPT_LINE.match(line)):
                found.append(
                    EntryPoint(
                        kind="console-script",
                        name=f"{m.group(1)} = {m.group(2)}",
                        path=path,
                        line=number,
                    )
                )
    return found


# ---------------------------------------------------------------- the pass


def detect_services(db: Database, project: str | int) -> ServiceMap:
    """Routes, database access, queues, outbound HTTP and entry points of the project."""
    ref = resolve_project(db, project)
    result = ServiceMap(project=ref.name)
    for item in snapshot_texts(db, ref.id):
        path, language, text = item.path, item.language, item.text
        if language not in _RULES and not path.endswith("pyproject.toml"):
            continue
        lines = text.splitlines()
        if language == "python":
            if "@" in text:
                result.routes += _python_routes(path, lines)
            if path.endswith("urls.py") or "urlpatterns" in text:
                result.routes += _django_routes(path, lines)
        elif language in ("javascript", "typescript", "tsx"):
            result.routes += _pattern_routes(path, lines, _EXPRESS, "express")
        elif language == "java" and "Mapping" in text:
            result.routes += _spring_routes(path, lines)
        elif language == "go":
            result.routes += _pattern_routes(path, lines, _GO_ROUTE, "go-http")
        for usage in _usages(path, language, text, lines):
            {
                "database": result.database,
                "queue": result.queues,
                "http_client": result.outbound_http,
            }[usage.category].append(usage)
        result.entry_points += _entry_points(path, language, text, lines)
    return result
