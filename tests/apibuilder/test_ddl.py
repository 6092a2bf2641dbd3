"""SQL DDL -> CRUD API model, four dialects, errors with lines."""

from __future__ import annotations

import pytest

from devlab.apibuilder import DDLInvalid, UnsupportedDialect, parse_ddl
from devlab.apibuilder.openapi import validate


def test_postgres_tables_become_crud_with_paging_filters_and_nesting(shop_sql):
    report = parse_ddl(shop_sql, "postgres")
    ops = {o.operation_id: o for o in report.model.operations}
    assert {
        "listUsers",
        "createUser",
        "getUser",
        "updateUser",
        "deleteUser",
        "listOrders",
        "listUserOrders",
    } <= set(ops)
    assert ops["listUserOrders"].path == "/users/{user_id}/orders"
    # filters on indexed columns only: PK, unique, FK and CREATE INDEX columns
    filters = [p.name for p in ops["listOrders"].parameters]
    assert filters == ["limit", "offset", "id", "user_id", "status"]
    assert "total" not in filters
    schemas = report.model.schemas
    assert schemas["Order"]["properties"]["status"]["enum"] == ["new", "paid", "shipped"]
    assert schemas["User"]["properties"]["age"]["minimum"] == 0
    assert schemas["User"]["properties"]["role"]["enum"] == ["user", "admin"]
    assert schemas["User"]["properties"]["email"]["maxLength"] == 200
    # generated / defaulted columns are optional on create; NOT NULL ones required
    assert schemas["UserCreate"]["required"] == ["email"]
    assert "id" not in schemas["UserCreate"]["properties"]
    assert validate(report.openapi, "", "3.1.0") == []


@pytest.mark.parametrize(
    "dialect, sql",
    [
        (
            "mysql",
            "CREATE TABLE `t_items` (`id` INT AUTO_INCREMENT PRIMARY KEY, "
            "`kind` ENUM('a','b') NOT NULL, `ok` TINYINT(1) DEFAULT 1) ENGINE=InnoDB;",
        ),
        (
            "sqlite",
            "CREATE TABLE t_items (id INTEGER PRIMARY KEY, kind TEXT NOT NULL "
            "CHECK (kind IN ('a','b')), ok BOOLEAN DEFAULT 1);",
        ),
        (
            "tsql",
            "CREATE TABLE [t_items] ([id] INT IDENTITY(1,1) PRIMARY KEY, "
            "[kind] NVARCHAR(10) NOT NULL, [ok] BIT DEFAULT 1);",
        ),
    ],
)
def test_other_dialects(dialect, sql):
    model = parse_ddl(sql, dialect).model
    props = model.schemas["TItem"]["properties"]
    assert props["id"]["type"] == "integer"
    assert props["ok"]["type"] == ["boolean", "null"]
    assert "kind" in model.schemas["TItemCreate"]["required"]
    assert {o.operation_id for o in model.operations} >= {"listTItems", "getTItem"}


def test_alter_table_foreign_key_makes_a_nested_resource():
    sql = """CREATE TABLE authors (id INT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE books (id INT PRIMARY KEY, author_id INT, title TEXT);
ALTER TABLE books ADD CONSTRAINT fk FOREIGN KEY (author_id) REFERENCES authors (id);
"""
    paths = {o.path for o in parse_ddl(sql).model.operations}
    assert "/authors/{author_id}/books" in paths


def test_syntax_error_names_the_line():
    with pytest.raises(DDLInvalid) as caught:
        parse_ddl("CREATE TABLE x (\n  a int,\n  b foo bar baz (,\n)")
    assert caught.value.status_code == 422 and caught.value.detail["line"] == 3
    assert "line 3" in caught.value.message


def test_unsupported_dialect_lists_the_supported():
    with pytest.raises(UnsupportedDialect) as caught:
        parse_ddl("CREATE TABLE x (a int);", "oracle")
    assert caught.value.status_code == 422 and "postgres" in caught.value.message


def test_no_table_is_an_error():
    with pytest.raises(DDLInvalid, match="no CREATE TABLE"):
        parse_ddl("SELECT 1;")
