"""extract_code: fenced blocks, languages, syntax checks, the whole-reply fallback."""

from __future__ import annotations

from devlab.llm import check_syntax, extract_code

REPLY = """Here is the fix:

```python
def total(items):
    return sum(price * qty for price, qty in items)
```

And the test, which is broken:

```py
def test_total(:
    assert total([]) == 0
```

In JavaScript:

~~~js
function add(a, b) { return a + b; }
~~~
"""


def test_fenced_blocks_are_extracted_and_checked():
    blocks = extract_code(REPLY)
    assert [(b.language, b.valid) for b in blocks] == [
        ("python", True),
        ("python", False),
        ("javascript", True),
    ]
    assert blocks[0].code.startswith("def total(items):") and blocks[0].error is None
    assert blocks[1].error.startswith("line 1")


def test_language_filter_keeps_untagged_blocks_as_that_language():
    reply = "```\nx = 1\n```\n```js\nlet y = 2;\n```"
    assert [b.code for b in extract_code(reply, "python")] == ["x = 1"]
    assert [b.language for b in extract_code(reply, "javascript")] == ["javascript", "javascript"]


def test_tree_sitter_languages_report_the_error_position():
    for language, good, bad in [
        ("javascript", "const f = (a) => a + 1;", "const f = (a => a + 1;"),
        ("typescript", "let n: number = 1;", "let n: number = ;"),
        ("java", "class A { int f() { return 1; } }", "class A { int f() { return 1; }"),
        ("go", "package main\nfunc main() {}\n", "package main\nfunc main( {}\n"),
        ("bash", "if true; then echo hi; fi", "if true; then echo hi"),
    ]:
        assert check_syntax(good, language) == (True, None), language
        valid, error = check_syntax(bad, language)
        assert valid is False and error.startswith("line "), (language, error)


def test_unchecked_language_is_returned_with_valid_none():
    blocks = extract_code("```rust\nfn main() {}\n```")
    assert blocks[0].language == "rust" and blocks[0].valid is None


def test_a_reply_without_fences_is_taken_whole_only_when_it_parses_as_code():
    code = "def square(x):\n    return x * x\n"
    assert [b.code for b in extract_code(code)] == [code.strip("\n")]
    assert extract_code("Sorry, I cannot help with that.") == []
    assert extract_code("Hello") == []  # parses as Python, but is not code
    assert extract_code("let x = 1;", "typescript")[0].valid is True


def test_an_unterminated_fence_still_yields_its_block():
    blocks = extract_code("```python\ndef f(:\n")
    assert len(blocks) == 1 and blocks[0].valid is False
