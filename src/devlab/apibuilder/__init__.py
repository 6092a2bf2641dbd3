"""API Builder: OpenAPI / DDL parsing, one API model, SDKs, mock server, live tests.

Public API (the CLI and REST doors import only from here)::

    parse_schema(data, filename, dialect=None) -> ParseReport      OpenAPI 2/3.0/3.1, ZIP, DDL
    parse_openapi(text, name, bundle) / parse_ddl(sql, dialect) -> ParseReport
    from_code(db, project) -> ParseReport                           routes found in code
    to_openapi(model) -> dict                                       OpenAPI 3.1
    generate_sdk(model, language, framework) -> GeneratedSdk        python|typescript|java|go
    prove_sdk(sdk, model, settings) -> SdkProof                     compile + smoke test
    mock_server(model, host, port)                                  a mock of the spec
    diff_models(old, new) -> DiffReport; lint_model(model) -> [LintFinding]
    record_lint(db, project, model, source=...) -> LintRecord       lint into the insights feed
    send_request(...) -> LiveResult; test_spec(...) -> PropertyReport   (SSRF allow-list)
    submit_spec_test(bench, ...) -> JobInfo; run_spec_test(...)     the same, as a job
    write_overview(llm, model, sdk) / suggest_design(llm, model)     model-written docs, advice
    designs: create_design, list_designs, get_design, edit_design, undo_design, ...
"""

from devlab.apibuilder.crud import parse_ddl
from devlab.apibuilder.designs import DesignEdit, apply_edit
from devlab.apibuilder.designstore import (
    create_design,
    delete_design,
    diff_design,
    edit_design,
    get_design,
    list_designs,
    replace_design,
    undo_design,
)
from devlab.apibuilder.diff import DiffReport, diff_models
from devlab.apibuilder.errors import (
    DDLInvalid,
    EditRejected,
    RefRefused,
    SpecInvalid,
    SpecTooLarge,
    TargetRefused,
    UnsupportedDialect,
    UnsupportedSDKLanguage,
)
from devlab.apibuilder.fromcode import from_code
from devlab.apibuilder.lint import LintFinding, lint_model
from devlab.apibuilder.lintfeed import LintRecord, design_source, record_lint
from devlab.apibuilder.livetest import AllowList, Budget, LiveResult, send_request
from devlab.apibuilder.mock import build_routes, mock_server, route_table
from devlab.apibuilder.modeldocs import DesignSuggestions, ModelText, suggest_design, write_overview
from devlab.apibuilder.models import ApiModel, GeneratedSdk, ParseReport, SdkProof
from devlab.apibuilder.openapi import parse_openapi, to_openapi
from devlab.apibuilder.parse import parse_schema
from devlab.apibuilder.proof import prove_sdk, prove_sdks
from devlab.apibuilder.propertytest import PropertyReport, test_spec
from devlab.apibuilder.sdk import FRAMEWORKS, generate_sdk, resolve_target
from devlab.apibuilder.specjobs import run_spec_test, submit_spec_test

__all__ = [
    "FRAMEWORKS",
    "AllowList",
    "ApiModel",
    "Budget",
    "DDLInvalid",
    "DesignEdit",
    "DesignSuggestions",
    "DiffReport",
    "EditRejected",
    "GeneratedSdk",
    "LintFinding",
    "LintRecord",
    "LiveResult",
    "ModelText",
    "ParseReport",
    "PropertyReport",
    "RefRefused",
    "SdkProof",
    "SpecInvalid",
    "SpecTooLarge",
    "TargetRefused",
    "UnsupportedDialect",
    "UnsupportedSDKLanguage",
    "apply_edit",
    "build_routes",
    "create_design",
    "delete_design",
    "design_source",
    "diff_design",
    "diff_models",
    "edit_design",
    "from_code",
    "generate_sdk",
    "get_design",
    "lint_model",
    "list_designs",
    "mock_server",
    "parse_ddl",
    "parse_openapi",
    "parse_schema",
    "prove_sdk",
    "prove_sdks",
    "record_lint",
    "replace_design",
    "resolve_target",
    "route_table",
    "run_spec_test",
    "send_request",
    "submit_spec_test",
    "suggest_design",
    "test_spec",
    "to_openapi",
    "undo_design",
    "write_overview",
]
