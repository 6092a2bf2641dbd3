"""The security rule tables as data (``devlab/reverse/security/tables/<language>.json``):
every language's table loads through one schema, the engines read their tables from it,
and a bad table is refused with an error that names the file and the field."""

from __future__ import annotations

import re

import pytest

from devlab.reverse.security.python_model import python_model
from devlab.reverse.security_tables import (
    KNOWN_KINDS,
    TABLE_LANGUAGES,
    RuleTable,
    RuleTableError,
    load_table,
    parse_table,
    validate_tables,
)
from devlab.reverse.security_ts_core import ALL_KINDS


def test_every_language_has_a_table_of_the_common_schema() -> None:
    counts = validate_tables()
    assert set(counts) == {"python", "javascript", "java", "go", "bash"} == set(TABLE_LANGUAGES)
    assert all(n > 100 for n in counts.values()), counts
    for lang in TABLE_LANGUAGES:
        raw = load_table(lang).raw
        assert {"sources", "sinks", "sanitisers"} <= set(raw) and raw["_doc"]
    assert KNOWN_KINDS == ALL_KINDS  # "*" in a table means exactly the engine's categories


def test_engines_read_their_tables_from_the_data_files() -> None:
    from devlab.reverse import security_ts_bash, security_ts_go, security_ts_java, security_ts_js

    js = load_table("javascript")
    assert js.kinds("sanitisers") == security_ts_js.SANITISERS
    assert security_ts_js.SANITISERS["parseInt"] == ALL_KINDS
    assert "child_process.exec" in security_ts_js.CMD_FUNCS
    assert security_ts_java.SANITISER_QUALS["Integer.parseInt"] == ALL_KINDS
    assert "getParameter" in security_ts_java.REQ_METHODS
    assert security_ts_go.SQL_METHODS["QueryContext"] == 1
    assert security_ts_go.DB_RECV.search("userRepo")  # (?i) kept from the table
    assert security_ts_bash.SQL_CLIENTS["psql"] == ("-c", "--command")
    assert security_ts_bash.SANITISERS["basename"] == frozenset({"path"})
    assert python_model().sanitisers["int"] == frozenset({"all"})


def test_a_table_edit_changes_what_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """The data is what the engine uses: removing a sanitiser from the Java table makes
    the same handler a finding again."""
    from devlab.reverse import security_ts_java
    from devlab.reverse.security import scan_source

    src = (
        "import org.springframework.web.bind.annotation.*;\n@RestController\nclass C {\n"
        '  @GetMapping("/p")\n  String p(@RequestParam String n) throws Exception {\n'
        "    String safe = org.owasp.encoder.Encode.forHtml(n);\n"
        '    return "<p>" + safe + "</p>";\n  }\n}\n'
    )
    assert not [f for f in scan_source("C.java", src) if f.cwe == "CWE-79"]
    methods = dict(security_ts_java.SANITISER_METHODS)
    methods.pop("forHtml")
    monkeypatch.setattr(security_ts_java, "SANITISER_METHODS", methods)
    assert [f for f in scan_source("C.java", src) if f.cwe == "CWE-79"]


BAD = [
    ({"sinks": {}, "sanitisers": {}}, "field 'sources' is missing"),
    ({"sources": [], "sinks": {}, "sanitisers": {}}, "field 'sources' must be a JSON object"),
    ({"sources": {}, "sinks": {}, "sanitisers": {}, "sink": {}}, "field 'sink' is not a known"),
    (
        {"sources": {"names": ["req", 3.5]}, "sinks": {}, "sanitisers": {}},
        "field 'sources.names' must list strings",
    ),
    ({"sources": {"x": None}, "sinks": {}, "sanitisers": {}}, "field 'sources.x' must be"),
]


@pytest.mark.parametrize(("raw", "message"), BAD)
def test_a_bad_table_names_the_file_and_the_field(raw: object, message: str) -> None:
    with pytest.raises(RuleTableError, match=r"tables/go\.json") as err:
        RuleTable("go", raw)
    assert message in str(err.value)


def test_accessors_check_the_shape_of_what_they_read() -> None:
    table = RuleTable(
        "java",
        {
            "sources": {"calls": {"a": 1}, "re": "(unclosed", "list": ["a"]},
            "sinks": {},
            "sanitisers": {"esc": ["xss", "sqli"]},
        },
    )
    with pytest.raises(
        RuleTableError, match=r"'sanitisers.esc' names unknown categories \['sqli'\]"
    ):
        table.kinds("sanitisers")
    with pytest.raises(
        RuleTableError, match=re.escape("'sources.re' is not a valid regular expression")
    ):
        table.pattern("sources.re")
    with pytest.raises(RuleTableError, match=re.escape("'sources.missing' is missing")):
        table.names("sources.missing")
    with pytest.raises(RuleTableError, match=re.escape("'sources.list' must be a JSON object")):
        table.positions("sources.list")
    with pytest.raises(RuleTableError, match=re.escape("'sources.calls.a' must be a list")):
        table.names_map("sources.calls")


def test_invalid_json_or_unknown_language_names_the_file() -> None:
    with pytest.raises(RuleTableError, match="no security rule table for 'cobol'"):
        load_table("cobol")
    with pytest.raises(RuleTableError, match=r"tables/bash\.json is not valid JSON: line 2"):
        parse_table("bash", '{"sources": {},\n "sinks": }')
    assert parse_table("bash", '{"sources": {}, "sinks": {}, "sanitisers": {}}').raw
