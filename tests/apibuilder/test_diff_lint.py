"""Version diff (breaking changes) and REST lint findings."""

from __future__ import annotations

from devlab.apibuilder import diff_models, lint_model, parse_openapi


def test_breaking_changes_are_flagged(petstore_text):
    old = parse_openapi(petstore_text).model
    changed = (
        petstore_text.replace(
            "        - name: tag\n          in: query\n",
            "        - name: tag\n          in: query\n          required: true\n",
        )
        .replace("maximum: 100", "maximum: 50")
        .replace('"201":', '"200":')
        .replace(
            "    delete:\n      operationId: deletePet\n      responses:\n"
            '        "204":\n          description: Deleted\n',
            "",
        )
    )
    report = diff_models(old, parse_openapi(changed).model)
    kinds = {(c.kind, c.operation) for c in report.changes if c.breaking}
    assert ("parameter-required", "GET /pets") in kinds
    assert ("parameter-narrowed", "GET /pets") in kinds
    assert ("status-changed", "POST /pets") in kinds
    assert ("operation-removed", "DELETE /pets/{petId}") in kinds
    assert report.breaking == 4


def test_additions_are_not_breaking(petstore_model):
    copy = petstore_model.model_copy(deep=True)
    copy.operations = copy.operations[:-1]
    report = diff_models(copy, petstore_model)
    assert report.breaking == 0 and report.changes[0].kind == "operation-added"


def test_lint_rules_fire_on_a_poor_design():
    spec = """openapi: 3.1.0
info: {title: Poor, version: '1'}
servers: [{url: 'http://localhost'}]
paths:
  /getUsers:
    get:
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array}}}}
  /user:
    post:
      responses: {'200': {description: ok}}
    put:
      responses: {'200': {description: ok}}
  /user/{id}:
    delete:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200': {description: ok}
        '404': {description: nf, content: {application/json: {schema: {type: string}}}}
        '409': {description: c, content: {application/json: {schema: {type: object}}}}
"""
    rules = {f.rule_id for f in lint_model(parse_openapi(spec).model)}
    assert {
        "no-verbs-in-path",
        "plural-collection",
        "create-returns-201",
        "pagination",
        "idempotency",
        "error-responses",
        "error-shape",
        "versioning",
        "path-kebab-case",
    } <= rules


def test_a_ddl_design_is_mostly_clean(shop_sql):
    from devlab.apibuilder import parse_ddl

    rules = {f.rule_id for f in lint_model(parse_ddl(shop_sql).model)}
    assert rules <= {"versioning"}
