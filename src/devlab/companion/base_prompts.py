"""Completion-style prompts for a base model in the verified loop (issue 18).

A base model (the packaged Gemma 3 270M is one: its GGUF has no chat template and
its name no ``-it``) does not follow instructions: asked in chat turns, it echoes the
prompt. What it does well is continue a file. So for such a model the loop writes
files for it to continue:

- **spec**: a page with a worked example's requirement and JSON spec, then this
  requirement (:func:`spec_continuation`), decoded under the spec's JSON schema so it
  always parses; its examples begin the test file's asserts (:func:`spec_asserts`).
  ``generate.BASE_MODEL_SPEC`` switches it off (the requirement is then the spec).
- **tests**: one worked example (a requirement comment, the import, a test function
  with asserts), then the same header for the requirement and ``assert name(`` for the
  model to go on from;
- **code**: one worked example, then the requirement, the checks it must pass as
  comments, and the function's ``def`` line taken from the requirement
  (``is_palindrome(s)``), so the model writes only the body;
- **stop sequences** end the continuation where the file would go on to something
  else (two blank lines, a top-level comment, a ``__main__`` block).

Python only; other languages keep the instruction prompts.

**Questions** (``chat``, ``explain``) on a base model are a question-and-answer page
to continue (:func:`answer_continuation`): a one-line title, the code in question, the
question and ``Answer:``. Given the chat template instead, the packaged model echoes
the system prompt; given a worked example first, it copies the example's answer.
"""

from __future__ import annotations

import ast
import json
import re
import textwrap
from dataclasses import dataclass

from devlab.llm import RenderedPrompt

PACKAGE = "devlab.companion"
VERSION = 1
EXAMPLE_REQUIREMENT = (
    "Write a Python function count_vowels(text) that returns how many vowels "
    "(a, e, i, o, u) the string text holds, ignoring case."
)
EXAMPLE_TESTS = """from solution import count_vowels


def test_count_vowels():
    assert count_vowels("banana") == 3
    assert count_vowels("AEIOU") == 5
    assert count_vowels("xyz") == 0
"""
EXAMPLE_CODE = """def count_vowels(text):
    return sum(1 for ch in text.lower() if ch in "aeiou")
"""
EXAMPLE_SPEC = {
    "summary": "Count the vowels of a string, ignoring case.",
    "function": "count_vowels",
    "inputs": ["text: str"],
    "outputs": ["int: how many of a, e, i, o, u text holds"],
    "constraints": ["upper-case vowels count too"],
    "examples": [
        {"input": 'count_vowels("banana")', "output": "3"},
        {"input": 'count_vowels("xyz")', "output": "0"},
    ],
    "acceptance_tests": ['count_vowels("AEIOU") == 5'],
}
SPEC_STOPS = ["\n\n", "\n# "]
TEST_STOPS = ["\n\n", "\n# ", "\nif __name__"]
CODE_STOPS = ["\n\n\n", "\n# ", "\nif __name__", "\nprint(", "\nassert ", "\ndef test"]
ANSWER_STOPS = ["\n\n", "\nQuestion:", "\nCode ", "\nCode:", "\n```"]
CODE_ANSWER_STOPS = ["\n```", "\nQuestion:", "\n\n\n\n"]
_SIGNATURE = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]{0,80})\s*\(([^()\n]{0,200})\)")
_CALLED = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,80}\(")
_ASSERT = re.compile(r"^\s*(assert .{1,300})$", re.M)


@dataclass(frozen=True)
class Continuation:
    """A text for the model to continue: the prompt, the part of the file it already
    holds (``prefix``, kept in front of the model's continuation) and where to stop.
    ``kind`` (``"tests"``/``"code"``) names the file rule that ends it early
    (:func:`file_end`); ``max_tokens`` caps it below the request's limit."""

    text: str
    prefix: str
    stop: list[str]
    name: str
    kind: str = ""
    max_tokens: int | None = None

    def rendered(self) -> RenderedPrompt:
        """The usage record's prompt (its name and version)."""
        return RenderedPrompt(self.text, self.name, VERSION, PACKAGE)

    def end(self, generated: str) -> int | None:
        """The stop rule while streaming: where ``generated`` (the model's text so far)
        should be cut, or None to go on."""
        if not self.kind:
            return None
        cut = file_end(self.kind, self.prefix + generated)
        return None if cut is None else max(0, cut - len(self.prefix))

    def finish(self, generated: str, cut_short: bool = False) -> str:
        """The file: the prefix and the model's text, cut where :func:`file_end` says
        (a provider that answered whole was not cut while streaming); ``cut_short``
        (the token limit ended it) drops the unfinished last line; then trailing lines
        that do not parse are dropped (:func:`parsing_head`)."""
        if not self.kind:
            return self.prefix + generated
        whole = self.prefix + generated
        # ended by a stop string or the model: its last line is finished, judge it too
        finished = whole if cut_short or whole.endswith("\n") else whole + "\n"
        cut = file_end(self.kind, finished)
        if cut is not None and self.kind == "tests":
            whole = _without_contradicted(whole[:cut], finished[cut:].split("\n", 1)[0])
        elif cut is not None:
            whole = whole[:cut]
        elif cut_short:
            whole = whole[: whole.rfind("\n") + 1]
        return parsing_head(whole) or self.prefix + generated


def _without_contradicted(head: str, line: str) -> str:
    """``head`` without its claims about the call ``line`` claims something else about
    (``== True`` kept, then ``== False`` written: neither can be trusted, as
    ``spec_asserts`` drops a spec's contradicting examples); a repeat keeps its first."""
    key = _claimed_call(line.strip())
    if key == line.strip():  # not a claim about a call
        return head
    lines = head.split("\n")
    kept = [x for x in lines if x.strip() == line.strip() or _claimed_call(x.strip()) != key]
    return "\n".join(kept)


# -- where a base model's file ends (issue 18) ---------------------------------------------
# A base model does not stop when the function or its test is complete: it repeats the
# last assert, writes the same line again and again, or goes on with module code until
# max_tokens (the round time of the verified loop was decided by these). The rules cut
# before the first line that shows it; measured in docs/benchmarks.md "#18 (i18h)".
TEST_MOST_ASSERTS = 8  # asserts in the test function, the spec's included
CODE_MOST_LINES = 40  # lines of a function body: the loop asks for small functions
LINE_REPEATS = 3  # a code line (same indentation) seen this often ends the code before it
LONGEST_LINE = 240  # an unfinished line this long is a loop inside one line
TESTS_TOKENS = 192  # about eight assert lines
CODE_TOKENS = 384  # a small function; the worked example's body is one line
_TOP_LEVEL_OK = ("def ", "async def ", "class ", "@")  # a helper after the function


def file_end(kind: str, text: str) -> int | None:
    """Where a base model's test file (``kind="tests"``) or solution file (``"code"``)
    should end: the offset in ``text`` of the first line that repeats (in a test: a
    second claim about the same call), leaves the function, or passes the size limit;
    None while it looks like it is going on well. Only finished lines are judged,
    except an unfinished one of ``LONGEST_LINE`` characters (cut at its start). The
    first line (the ``def``) and everything before the test function are the prompt's,
    never judged."""
    starts, lines = _lines(text)
    body = next((i + 1 for i, line in enumerate(lines) if line.startswith("def ")), len(lines))
    seen: dict[str, int] = {}
    asserts = 0
    for i in range(body, len(lines)):
        line = lines[i]
        if i == len(lines) - 1:  # unfinished
            return starts[i] if len(line) >= LONGEST_LINE else None
        if not line.strip():
            continue
        if not line[0].isspace() and not (kind == "code" and line.startswith(_TOP_LEVEL_OK)):
            return starts[i]  # back at column 0: the function is complete
        if kind == "tests":
            key = _claimed_call(line.strip())
            asserts += key.startswith("assert ")
            if key in seen or asserts > TEST_MOST_ASSERTS:
                return starts[i]
        else:
            key = line.rstrip()
            previous = next((lines[j] for j in range(i - 1, body - 1, -1) if lines[j].strip()), "")
            if key == previous.rstrip() or seen.get(key, 0) >= LINE_REPEATS:
                return starts[i]
            if i - body >= CODE_MOST_LINES:
                return starts[i]
        seen[key] = seen.get(key, 0) + 1
    return None


def _claimed_call(line: str) -> str:
    """What an assert line claims something about: ``assert f("abc")`` for ``assert
    f("abc") == False``, so a second claim about the same call (a repeat, or the
    contradiction the packaged model writes next: ``== True`` then ``== False``) ends
    the test file before it; other lines are themselves."""
    try:
        node = ast.parse(line).body[0] if line.startswith("assert ") else None
    except SyntaxError:
        return line
    if isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare):
        return f"assert {ast.unparse(node.test.left)}"
    return line


def _lines(text: str) -> tuple[list[int], list[str]]:
    """The lines of ``text`` and their start offsets (the last one unfinished, maybe empty)."""
    lines = text.split("\n")
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    return starts, lines


def parsing_head(text: str, most: int = 12) -> str:
    """``text`` without the fewest trailing lines (at most ``most``) that leave Python
    which parses and still defines a function (a cut ``if`` header or a half assert
    goes; the function stays); "" when none does."""
    lines = text.rstrip("\n").split("\n")
    for drop in range(min(most, len(lines) - 1) + 1):
        head = "\n".join(lines[: len(lines) - drop]) + "\n"
        try:
            tree = ast.parse(head)
        except SyntaxError:
            continue
        if any(isinstance(node, ast.FunctionDef) for node in tree.body):
            return head
    return ""


def signature(requirement: str) -> tuple[str, str]:
    """The function name and parameter list the requirement gives (``is_palindrome``,
    ``s``); ``("solve", "*args")`` when it names none."""
    match = _SIGNATURE.search(requirement[:2000])
    if match is None:
        return "solve", "*args"
    params = match.group(2).strip()
    valid = all(
        p.strip().split("=")[0].strip().lstrip("*").isidentifier() for p in params.split(",")
    )
    return match.group(1), params if params and valid else "*args"


def _header(file: str, requirement: str) -> str:
    one_line = " ".join(requirement.split())
    return f"# {file}\n# Requirement: {one_line}\n"


def _first_argument(requirement: str) -> str:
    """How a literal first argument starts, from the requirement's words: a small model
    otherwise passes the parameter's name (``is_palindrome(s)``), which is undefined."""
    words = set(re.findall(r"[a-z]+", requirement.lower()))
    if words & {"string", "strings", "text", "word", "sentence", "str"}:
        return '"'
    if words & {"list", "lists", "array", "sequence"}:
        return "["
    return ""


def spec_continuation(requirement: str) -> Continuation:
    """The spec as a page to continue: the worked example's requirement and its JSON
    spec, then this requirement and an empty line for its spec (the caller decodes it
    under the spec's JSON schema, so it parses; the content is the model's)."""
    text = (
        _header("spec.json", EXAMPLE_REQUIREMENT)
        + json.dumps(EXAMPLE_SPEC)
        + "\n\n"
        + _header("spec.json", requirement)
    )
    return Continuation(text, "", SPEC_STOPS, "base-spec")


def spec_asserts(name: str, examples: list[dict], checks: list[str], most: int = 4) -> list[str]:
    """A spec's examples (``{"input": "f(x)", "output": "y"}``) and acceptance checks
    (``"f(x) == y"``) as ``assert`` lines: only those that call ``name`` (an example's
    bare arguments are called with it) and parse as Python; the worked example's own
    are dropped (copied, not written for this one), and so is every claim about a call
    the spec gives two different results for (such tests could never pass)."""
    copied = {f"{e['input']} == {e['output']}" for e in EXAMPLE_SPEC["examples"]}  # type: ignore[index]
    copied.update(EXAMPLE_SPEC["acceptance_tests"])  # type: ignore[arg-type]
    claims = []
    for e in examples:
        if isinstance(e, dict):
            given = " ".join(str(e.get("input")).split())  # a bare argument list: call it
            call = given if _CALLED.match(given) else f"{name}({given})"
            claims.append(f"{call} == {e.get('output')}")
    kept: dict[str, tuple[str, set[str]]] = {}  # the call -> (its first claim, results)
    for claim in [*claims, *checks]:
        claim = " ".join(str(claim).split())
        if claim in copied or not claim.startswith(f"{name}(") or len(claim) > 300:
            continue
        try:
            line = ast.parse(f"assert {claim}").body[0]
        except SyntaxError:
            continue
        if not isinstance(line, ast.Assert) or line.msg is not None:  # "== 'a', 'b'"
            continue
        test = line.test
        if isinstance(test, ast.Compare) and len(test.comparators) == 1:
            call = ast.unparse(test.left)
            result = ast.dump(test.ops[0]) + ast.unparse(test.comparators[0])
            kept.setdefault(call, (claim, set()))[1].add(result)
    return [f"assert {claim}" for claim, results in kept.values() if len(results) == 1][:most]


def acceptance_continuation(requirement: str, given: list[str] | None = None) -> Continuation:
    """The test file to continue: the worked example, then this requirement's (its
    test function starting with the ``given`` assert lines, e.g. from a spec)."""
    name, _ = signature(requirement)
    start = _first_argument(requirement)
    lines = "".join(f"    {line}\n" for line in given or [])
    prefix = (
        f"from solution import {name}\n\n\ndef test_{name}():\n{lines}    assert {name}({start}"
    )
    text = (
        _header("test_solution.py", EXAMPLE_REQUIREMENT)
        + EXAMPLE_TESTS
        + "\n\n"
        + _header("test_solution.py", requirement)
        + prefix
    )
    return Continuation(text, prefix, TEST_STOPS, "base-tests", "tests", TESTS_TOKENS)


def solution_continuation(requirement: str, tests: str, failure: str = "") -> Continuation:
    """The solution file to continue: the worked example (with the checks it passes as
    comments), then this requirement, its tests' asserts and the ``def`` line. A failed
    earlier attempt is named in a comment (``failure``)."""
    name, params = signature(requirement)
    checks = _ASSERT.findall(tests)[:8]
    example_checks = _ASSERT.findall(EXAMPLE_TESTS)
    prefix = f"def {name}({params}):\n"
    text = (
        _header("solution.py", EXAMPLE_REQUIREMENT)
        + "".join(f"# It passes: {c}\n" for c in example_checks)
        + EXAMPLE_CODE
        + "\n\n"
        + _header("solution.py", requirement)
        + "".join(f"# It passes: {c}\n" for c in checks)
        + (f"# An earlier version failed: {' '.join(failure.split())[:300]}\n" if failure else "")
        + prefix
    )
    return Continuation(text, prefix, CODE_STOPS, "base-code", "code", CODE_TOKENS)


def answer_continuation(
    question: str, sources: list[tuple[str, str, str]], name: str = "base-answer"
) -> Continuation:
    """A question about code as a Q&A page for a base model to continue. ``sources``
    are ``(label, language, code)``; the answer ends at a blank line or where the page
    would go on to the next question. No worked example: the packaged model copied
    its answer onto questions of the same form ("What does X do?")."""
    if asks_for_code(question):  # the answer is a code block: open it for the model
        languages = [lang for _label, lang, _code in sources if lang not in ("rst", "markdown")]
        language = "python" if "python" in languages or not languages else languages[0]
        fence = f"```{language}\n"
        text = "Questions about code, each answered with code.\n\n" + _qa_block(sources, question)
        return Continuation(f"{text}\n{fence}", fence, CODE_ANSWER_STOPS, name)
    text = "Questions about code, each answered in one or two sentences.\n\n" + _qa_block(
        sources, question
    )
    return Continuation(text, "", ANSWER_STOPS, name)


_CODE_VERBS = {"write", "implement", "create", "generate", "make", "add", "code", "show"}


def asks_for_code(question: str) -> bool:
    """A request for code ("Write a function that ...", "Implement ..."), not a question."""
    words = question.strip().lower().split()
    if words and words[0] == "please":
        words = words[1:]
    return bool(words) and words[0].strip(":,") in _CODE_VERBS


def _qa_block(sources: list[tuple[str, str, str]], question: str) -> str:
    parts = [
        f"Code {label}:\n```{language}\n{code.rstrip()}\n```\n" for label, language, code in sources
    ]
    return "".join(parts) + f"Question: {' '.join(question.split())}\nAnswer:"


# -- the other actions on a base model (bugs, suggest, refactor, fix, translate) ---------

REVIEW_STOPS = ["\n\n", "\n```", "\nCode review", "\nCode:"]
REWRITE_STOPS = ["\n```", "\nCode review", "\n# Before"]
_REVIEW_TITLES = {
    "bugs": ("Code review: each bug in one line, with its line number.", "Bugs:\n- line "),
    "suggest": ("Code review: one suggestion per line, specific to this code.", "Suggestions"),
}


def review_continuation(
    action: str, code: str, language: str, where: str = "", kind: str = ""
) -> Continuation:
    """Bugs or suggestions as a code-review page to continue: the code, then a list
    the page has begun ("- line " for bugs, "- " for suggestions), so the answer is
    list items; it ends at a blank line or where the page would go on."""
    title, opening = _REVIEW_TITLES[action]
    if action == "suggest":
        opening = f"Suggestions ({kind}):\n- " if kind else "Suggestions:\n- "
    label = f"Code: {where}\n" if where else "Code:\n"
    text = f"{title}\n\n{label}```{language}\n{code.rstrip()}\n```\n{opening}"
    prefix = opening.split("\n", 1)[1]
    return Continuation(text, prefix, REVIEW_STOPS, f"base-{action}")


def rewrite_continuation(
    action: str,
    code: str,
    language: str,
    *,
    after: str,
    target: str | None = None,
    error: str = "",
    first_line: bool = False,
) -> Continuation:
    """Refactor, fix or translate as a before/after page: the code in a block, (the
    error it gives,) a line that says what the next version is (``after``), and an
    open code block in the target language for the model to fill. ``first_line``
    starts the new version with the original's first line (a fix keeps the
    signature). The reply is read from that block (``prefix`` = its opening). A method's
    code is shown dedented (the model writes from column 0; the caller re-indents)."""
    target = target or language
    code = textwrap.dedent(code)
    where_error = ""
    if error:
        tail = "\n".join(error.strip().splitlines()[-12:])[-1500:]
        where_error = f"It fails with:\n```\n{tail}\n```\n"
    fence = f"```{target}\n"
    start = code.lstrip("\n").splitlines()[0] + "\n" if first_line and code.strip() else ""
    if target != language:
        start = translated_header(code, language, target)
    text = (
        f"Code review: {action}.\n\n# Before\n```{language}\n{code.rstrip()}\n```\n"
        f"{where_error}# After: {after}\n{fence}{start}"
    )
    return Continuation(text, fence + start, REWRITE_STOPS, f"base-{action}")


_PY_DEF = re.compile(r"^[ \t]*def[ \t]+([A-Za-z_][A-Za-z0-9_]{0,80})[ \t]*\(([^)]{0,400})\)", re.M)


def translated_header(code: str, source: str, target: str) -> str:
    """The first line of a Python function in JavaScript/TypeScript (``function
    name(a, b) {``) for a translation to start from: without it the packaged model
    writes the body alone. Empty for other pairs."""
    match = _PY_DEF.search(code) if source == "python" else None
    if match is None or target not in ("javascript", "typescript"):
        return ""
    names = [p.split(":")[0].split("=")[0].strip().lstrip("*") for p in match.group(2).split(",")]
    params = ", ".join(n for n in names if n.isidentifier() and n not in ("self", "cls"))
    return f"function {match.group(1)}({params}) {{\n"


__all__ = [
    "Continuation",
    "acceptance_continuation",
    "answer_continuation",
    "asks_for_code",
    "file_end",
    "parsing_head",
    "review_continuation",
    "rewrite_continuation",
    "signature",
    "solution_continuation",
    "spec_asserts",
    "spec_continuation",
    "translated_header",
]
