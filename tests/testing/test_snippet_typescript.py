"""A TypeScript snippet pasted to the seed route (``POST /api/v1/devlab/generate/tests``
with jest or node:test) is told apart from JavaScript by the tree-sitter grammars and
generated through the TypeScript path (issue 15)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from devlab.config import Settings
from devlab.testing.snippetlang import is_typescript, with_exports
from helpers import serve_in_thread

TYPESCRIPT = {
    "annotations": "function sq(x: number): number {\n  return x * x;\n}\n",
    "interface": "interface P { x: number }\nfunction f(p) { return p.x; }\n",
    "cast": "const n = (JSON.parse('{}') as any).n;\n",
    "generic": "function id<T>(x: T): T { return x; }\n",
    "enum": "enum Color { Red, Green }\n",
    "modifier": "class A { private x = 1 }\n",
}
JAVASCRIPT = {
    "plain": "function sign(x) {\n  if (x < 0) return -1;\n  return 1;\n}\n",
    "comparisons": "const y = a < b > (c);\n",  # TypeScript would read a generic call
    "jsx": 'const el = <div className="a">hi</div>;\n',
    "broken": "function (((",
}


@pytest.mark.parametrize("name", sorted(TYPESCRIPT))
def test_typescript_is_told_by_its_syntax(name: str) -> None:
    assert is_typescript(TYPESCRIPT[name])


@pytest.mark.parametrize("name", sorted(JAVASCRIPT))
def test_javascript_stays_javascript(name: str) -> None:
    assert not is_typescript(JAVASCRIPT[name])


def test_a_snippet_without_exports_exports_its_declarations() -> None:
    code = "const add = (a: number, b: number) => a + b;\nclass A { private x = 1 }\n"
    assert with_exports(code) == (
        "export const add = (a: number, b: number) => a + b;\nexport class A { private x = 1 }\n"
    )
    mine = "export function f(x: number) { return x; }\nfunction g() {}\n"
    assert with_exports(mine) == mine


@pytest.fixture
def server(lab_settings: Settings) -> Iterator[str]:
    quick = lab_settings.model_copy(update={"testing_mutant_keep": False})
    for hostport in serve_in_thread(quick):
        yield f"http://{hostport}"


CLAMP = """interface Range {
  lo: number;
  hi: number;
}

function clamp(x: number, r: Range): number {
  if (x < r.lo) {
    return r.lo;
  }
  if (x > r.hi) {
    return r.hi;
  }
  return x as number;
}
"""


@pytest.mark.sandbox
@pytest.mark.slow
def test_a_typescript_snippet_is_generated_as_typescript(server: str) -> None:
    body = {"code": CLAMP, "framework": "node:test", "coverage": 90, "use_model": False}
    resp = httpx.post(f"{server}/api/v1/devlab/generate/tests", json=body, timeout=300)
    assert resp.status_code == 200, resp.text
    result = resp.json()
    assert result["path"] == "snippet.ts" and result["test_path"].endswith(".ts")
    assert result["kept"] and result["after"]["line_percent"] == 100
    assert result["proof"]["failing_generated"] == []
    assert "clamp" in result["test_code"]
