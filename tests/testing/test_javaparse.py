"""Java signatures read with tree-sitter for JUnit generation (issue 15): what the line
scan missed (a signature over several lines, varargs, generic methods, annotations,
``throws`` clauses and javadoc ``@throws``) and the calls made of them."""

from __future__ import annotations

import pytest

from devlab.testing import SnippetTestsRequest, generate_for_snippet
from devlab.testing.javagen import java_hash
from devlab.testing.javaparse import java_class
from devlab.testing.javasig import NO_ARGUMENT, java_calls, java_methods

PATH = "src/main/java/demo/Texts.java"
TEXTS = """package demo;

import java.util.List;

/** Text helpers; a brace in a comment: { and an apostrophe: '. */
public final class Texts {

    /**
     * Compares regions.
     *
     * @throws IllegalStateException never, in fact
     */
    static boolean regionMatches(final CharSequence cs, final boolean ignoreCase,
            final int thisStart, final CharSequence substring,
            final int start, final int length) {
        if (cs instanceof String && substring instanceof String) {
            return ((String) cs).regionMatches(ignoreCase, thisStart, (String) substring,
                start, length);
        }
        return length > 3;
    }

    @SafeVarargs
    public static <T extends Number> int count(@Deprecated final T first,
                                               final T... rest) {
        return rest.length;
    }

    public static <E> E firstOf(List<String> names, E fallback)
            throws java.io.IOException {
        if ("none".equals(names.get(0))) {
            throw new IllegalArgumentException("none");
        }
        return fallback;
    }

    public static String kind(Object value) {
        if (value instanceof byte[]) {
            return "bytes";
        }
        return value instanceof Integer ? "int" : "other";
    }

    public static String kind(String value) {
        return value;
    }

    private static int hidden(int x) {
        return x;
    }

    protected abstract static class Inner {
        abstract void notMine(int y);
    }
}
"""


def test_tree_sitter_reads_what_the_line_scan_missed() -> None:
    found = java_class(TEXTS, "Texts")
    assert found is not None and found.kind == "class" and "final" in found.modifiers
    by_name = {d.name: d for d in found.decls}
    assert set(by_name) == {"regionMatches", "count", "firstOf", "kind", "hidden"}
    region = by_name["regionMatches"]  # over three lines, with its javadoc's @throws
    assert [k for k, _ in region.params] == ["CharSequence", "boolean", "int", "CharSequence",
                                             "int", "int"]  # fmt: skip
    assert region.throws == ["IllegalStateException"] and region.instanceof == ["String"]
    assert TEXTS.splitlines()[region.line - 1].strip().startswith("static boolean")
    assert TEXTS.splitlines()[region.end - 1].strip() == "}"
    count = by_name["count"]  # annotations out, T erased to its bound, varargs an array
    assert count.params == [("Number", "first"), ("Number[]", "rest")] and count.varargs
    first = by_name["firstOf"]
    assert first.params == [("List<String>", "names"), ("Object", "fallback")]
    assert first.returns == "Object" and first.throws == ["IOException"]
    assert first.strings == ['"none"']


def test_calls_of_varargs_generic_and_overloaded_methods() -> None:
    methods, skipped = java_methods(PATH, TEXTS)
    labels = [m.label for m in methods]
    assert labels == ["Texts.Texts", "Texts.regionMatches", "Texts.count", "Texts.firstOf",
                      "Texts.kind", "Texts.kind"]  # fmt: skip
    assert not skipped
    calls, skipped = java_calls(methods)
    assert not skipped
    exprs = {c.expr for c in calls}
    # varargs: an array of the (erased) element type, and nothing at all
    assert "Texts.count(1, new Number[]{1, 1.5})" in exprs and "Texts.count(1)" in exprs
    region = [c.expr for c in calls if c.method.name == "regionMatches"]
    assert region[0] == 'Texts.regionMatches("a", true, 0, "a", 0, 1)'  # indexes from 0
    # two arguments off their first value at once (not null): a builder, case-sensitive
    assert 'Texts.regionMatches(new StringBuilder("a b"), false, 0, "a", 0, 1)' in region
    first = {c.expr for c in calls if c.method.name == "firstOf"}
    assert 'Texts.firstOf(java.util.List.of("a", "b"), "a")' in first
    assert all(NO_ARGUMENT not in e for e in exprs)
    # overloaded: a null is cast to the parameter's type; Object takes the instanceof types
    kinds = [c.expr for c in calls if c.method.name == "kind"]
    assert "Texts.kind((Object) null)" in kinds and "Texts.kind((String) null)" in kinds
    assert "Texts.kind(null)" not in kinds
    assert "Texts.kind(1)" in kinds and 'Texts.kind("abc".getBytes())' in kinds
    ints = "package demo;\npublic class Sum {\n    public static int sum(int... xs) {\n" + (
        "        return xs.length;\n    }\n}\n"
    )
    calls, _ = java_calls(java_methods("src/main/java/demo/Sum.java", ints)[0])
    assert [c.expr for c in calls][:4] == ["new Sum()", "Sum.sum(new int[]{1, 2, 3})", "Sum.sum()",
                                           "Sum.sum(null)"]  # fmt: skip


def test_the_body_strings_reach_text_parameters() -> None:
    source = (
        "package demo;\npublic class Words {\n"
        "    public static int code(final String word,\n                           int pad) {\n"
        '        if (word.startsWith("th")) {\n            return 1;\n        }\n'
        '        return "x".equals(word) ? 2 : 0;\n    }\n}\n'
    )
    [_, m], _ = java_methods("src/main/java/demo/Words.java", source)
    assert m.strings == ['"th"', '"x"'] and m.line == 3
    calls, _ = java_calls([m])
    exprs = [c.expr for c in calls]
    assert 'Words.code("th", 1)' in exprs and 'Words.code("x", 1)' in exprs


WORDS = """package demo;

public class Words {
    public static int code(final String word,
                           final int pad) {
        if (word.startsWith("th")) {
            return pad;
        }
        return "x".equals(word) ? 2 : 0;
    }

    public static <T extends CharSequence> int total(
            final T... parts) {
        int n = 0;
        for (final T p : parts) {
            n += p.length();
        }
        return n;
    }

    public static String kind(final Object value) {
        if (value instanceof byte[]) {
            return "bytes";
        }
        return value instanceof Integer ? "int" : "other";
    }
}
"""


@pytest.mark.sandbox
@pytest.mark.slow
def test_generated_junit_reaches_multiline_varargs_and_instanceof_branches(lab_settings) -> None:
    """Each branch needs what only the parser gives: a signature over two lines, a
    varargs call with nothing (the empty loop), the body's literals, instanceof types."""
    body = SnippetTestsRequest(code=WORDS, framework="junit", coverage=100)
    settings = lab_settings.model_copy(update={"testing_mutant_keep": False})
    result = generate_for_snippet(settings, body, model=None)
    assert result.after.line_percent == 100.0 and result.after.branch_percent == 100.0
    assert "Words.total(" in result.test_code and 'Words.code("th"' in result.test_code
    assert result.proof["failing_generated"] == []


def test_long_values_are_asserted_by_length_and_java_hash() -> None:
    assert java_hash("") == 0 and java_hash("a") == 97
    assert java_hash("Hello, World") == -505841268  # Java: "Hello, World".hashCode()
    assert java_hash("é😀" * 3000) == -2093031936  # surrogate pairs, overflow: as Java
