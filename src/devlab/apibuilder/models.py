"""The one internal model of an API that every door reads and writes.

``ApiModel`` holds servers, operations (each with parameters, request body and
responses), named JSON schemas, security schemes and examples. Schemas are JSON
Schema 2020-12 dicts (OpenAPI 3.1's dialect) whose references point at
``#/components/schemas/<Name>``; OpenAPI 3.1 is the interchange format
(``openapi.to_openapi``), and 2.0/3.0 documents are converted on the way in.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class Parameter(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    name: str
    location: Literal["path", "query", "header", "cookie"] = Field(alias="in")
    required: bool = False
    schema_: dict[str, Any] = Field(default_factory=dict, alias="schema")
    description: str = ""
    # how the value is written (OpenAPI's style/explode; None: the location's default)
    style: str | None = None
    explode: bool | None = None
    content_type: str | None = None  # a parameter given by `content` (JSON text)

    def serialization(self) -> tuple[str, bool]:
        """The effective (style, explode): form for query and cookie, simple for path
        and header; explode defaults to true for form only (OpenAPI 3)."""
        style = self.style or ("form" if self.location in ("query", "cookie") else "simple")
        return style, self.explode if self.explode is not None else style == "form"


class Body(BaseModel):
    """A request or response body: one media type and its schema."""

    model_config = ConfigDict(populate_by_name=True)

    content_type: str = "application/json"
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    required: bool = False
    example: Any = None


class Response(BaseModel):
    description: str = ""
    body: Body | None = None


class Operation(BaseModel):
    operation_id: str
    method: str
    path: str
    summary: str = ""
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    parameters: list[Parameter] = Field(default_factory=list)
    request_body: Body | None = None
    responses: dict[str, Response] = Field(default_factory=dict)
    security: list[dict[str, list[str]]] | None = None
    deprecated: bool = False


class SecurityScheme(BaseModel):
    """``type``: apiKey (``location`` + ``param_name``), http (``scheme`` bearer|basic),
    oauth2 / openIdConnect (a bearer token for the SDKs)."""

    type: str
    scheme: str = ""
    location: str = ""
    param_name: str = ""
    description: str = ""


class ApiModel(BaseModel):
    title: str = "API"
    version: str = "1.0.0"
    description: str = ""
    servers: list[str] = Field(default_factory=list)
    operations: list[Operation] = Field(default_factory=list)
    schemas: dict[str, dict[str, Any]] = Field(default_factory=dict)
    security_schemes: dict[str, SecurityScheme] = Field(default_factory=dict)
    security: list[dict[str, list[str]]] = Field(default_factory=list)
    source: str = ""  # "openapi 2.0" | "openapi 3.0.3" | "ddl postgres" | "code" ...

    def operation(self, operation_id: str) -> Operation | None:
        return next((o for o in self.operations if o.operation_id == operation_id), None)


class Problem(BaseModel):
    """One problem found in an input: a message, the JSON pointer and line it concerns."""

    message: str
    pointer: str = ""
    line: int | None = None
    severity: Literal["error", "warning"] = "error"


class ParseReport(BaseModel):
    """What ``devlab api parse`` and ``POST /api/parse-schema`` answer."""

    kind: Literal["openapi", "ddl"]
    source: str
    title: str
    version: str
    operations: int
    paths: int
    schemas: int
    problems: list[Problem] = Field(default_factory=list)
    model: ApiModel
    openapi: dict[str, Any]


class SmokeResult(BaseModel):
    passed: int = 0
    failed: int = 0
    failures: list[dict[str, str]] = Field(default_factory=list)


class SdkProof(BaseModel):
    """How a generated SDK fared in the sandbox: compiled / type-checked, then its
    smoke test against a mock server of the same spec."""

    checker: str  # "mypy --strict" | "tsc --strict" | "javac"
    compiled: bool
    compile_output: str = ""
    smoke: SmokeResult | None = None
    status: str = ""  # the sandbox run's status
    wall_ms: float = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.compiled and self.smoke is not None and self.smoke.failed == 0


class GeneratedSdk(BaseModel):
    language: str
    framework: str
    files: dict[str, str]
    operations: int
    models: int
    generate_ms: float
    proof: SdkProof | None = None
    docs_model: str | None = Field(
        default=None,
        description="provider/model that wrote the README's overview; none: templates only",
    )


__all__ = [
    "HTTP_METHODS",
    "ApiModel",
    "Body",
    "GeneratedSdk",
    "Operation",
    "Parameter",
    "ParseReport",
    "Problem",
    "Response",
    "SdkProof",
    "SecurityScheme",
    "SmokeResult",
]
