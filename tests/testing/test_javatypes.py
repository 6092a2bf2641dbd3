"""Values for a project's own Java types (issue 15, JUnit generation): static final
fields, enum constants, static factories, builder chains, with-style modifiers,
constructors (recursively) and subtypes, with what a test in the target's package can
reach. The line scan only; javac judges the values in the sandbox test of
test_polyglot_coverage (a nested enum there)."""

from __future__ import annotations

from devlab.testing.javarun import java_sources
from devlab.testing.javasig import java_calls, java_code, java_methods
from devlab.testing.javatypes import JavaTypes, combine, vary

UNIT = """package demo.shape;

/** Units; a brace in a comment: { and an apostrophe: '\\'}. */
public enum Unit {
    MM("mm"),
    CM("cm") {
        @Override
        public String toString() { return "centimetres"; }
    };

    private final String label;

    Unit(String label) { this.label = label; }
}
"""

STYLE = """package demo;

import demo.shape.Unit;

public final class Style {
    public static final Style PLAIN = new Style(' ', false);
    private static final Style HIDDEN = new Style('_', false);
    static final char CR = '\\r';
    private final char pad;
    private final boolean upper;

    private Style() { this(' ', false); }

    Style(final char pad, final boolean upper) {
        this.pad = pad;
        this.upper = upper;
    }

    public static Style of(char pad) {
        return new Style(pad, false);
    }

    public Style withUpper() {
        return new Style(pad, true);
    }

    public static Builder builder() { return new Builder(); }

    public static class Builder {
        private char pad = ' ';
        public Builder pad(char c) { this.pad = c; return this; }
        public Style build() { return new Style(pad, false); }
    }

    private static class Secret {
        Secret() {}
    }
}
"""

SINK = "package demo.io;\n\npublic interface Sink {\n    void put(String s);\n}\n"
LIST_SINK = """package demo.io;

public class ListSink implements Sink {
    public ListSink() {}
    public void put(String s) {}
}
"""
LOCAL_SINK = (
    "package demo.io;\n\nclass LocalSink implements Sink {\n    public void put(String s) {}\n}\n"
)

FORMATTER = """package demo;

import demo.io.Sink;
import demo.shape.Unit;

class Formatter {
    Formatter(Style style, Unit unit, Sink sink) {
    }

    String format(int n, Style style) {
        if (n == CR) {
            return "cr";
        }
        return style == null ? "" : "x";
    }
}
"""

FILES = {
    "src/main/java/demo/shape/Unit.java": UNIT,
    "src/main/java/demo/Style.java": STYLE,
    "src/main/java/demo/io/Sink.java": SINK,
    "src/main/java/demo/io/ListSink.java": LIST_SINK,
    "src/main/java/demo/io/LocalSink.java": LOCAL_SINK,
    "src/main/java/demo/Formatter.java": FORMATTER,
}
CTX = "src/main/java/demo/Formatter.java"


def test_project_types_get_values_in_order_and_reach() -> None:
    types = JavaTypes(FILES, java_sources(FILES))
    # another package's enum: constants, fully qualified (the brace and apostrophe in
    # the comment and the constant with a body do not disturb the scan)
    assert types.values("Unit", CTX) == ["demo.shape.Unit.MM", "demo.shape.Unit.CM"]
    style = types.values("Style", CTX)
    assert style[0] == "Style.PLAIN" and "Style.HIDDEN" not in style  # private: not reached
    assert "Style.of('a')" in style and "Style.builder().build()" in style
    assert "Style.PLAIN.withUpper()" in style  # a with-style modifier of the first value
    assert "new Style('a', true)" in style and "new Style()" not in style  # private one
    assert style.index("Style.PLAIN") < style.index("Style.of('a')") < style.index(
        "new Style('a', true)"
    )  # fmt: skip
    # an interface: from its public implementation; the package-private one is not
    # reachable from package demo
    assert types.values("Sink", CTX) == ["new demo.io.ListSink()"]
    assert types.values("Secret", "src/main/java/demo/Style.java") == []
    assert types.values("Missing", CTX) == [] and types.values("String", CTX) == []
    # receivers of the class under test: every combination of its arguments' values
    owners = types.owners("Formatter", CTX)
    assert owners[0] == "new Formatter(Style.PLAIN, demo.shape.Unit.MM, new demo.io.ListSink())"
    assert "new Formatter(Style.of('a'), demo.shape.Unit.CM, new demo.io.ListSink())" in owners
    assert types.char_constants("if (c == CR)") == ["13"]


def test_generation_calls_take_project_values_receivers_and_repeats() -> None:
    types = JavaTypes(FILES, java_sources(FILES))
    found, skipped = java_methods(CTX, FORMATTER, types)
    [fmt] = [m for m in found if not m.ctor]  # and its constructors, called as such
    assert not skipped and fmt.owner.startswith("new Formatter(Style.PLAIN,")
    assert "13" in fmt.constants  # the project constant CR the body names
    calls, skipped = java_calls([fmt], None, types, CTX)
    exprs = [c.expr for c in calls]
    assert f"{fmt.owner}.format(1, null)" in exprs  # null besides the project values
    assert f"{fmt.owner}.format(13, Style.PLAIN)" in exprs
    assert any(".format(1, Style.of('a'))" in e for e in exprs)
    assert f"times(6, {fmt.owner}, o -> o.format(1, Style.PLAIN))" in exprs
    assert len({c.owner for c in calls if c.times > 1}) > 1 and not skipped
    # without the project's types, the old message names the type
    _, skipped = java_calls(java_methods(CTX, FORMATTER)[0], None)
    assert skipped == [] or "no values" in skipped[0]


def test_vary_and_combine_share_the_cap() -> None:
    options = [["a", "b", "c"], ["1", "2"]]
    assert vary(options, 10) == [["a", "1"], ["b", "1"], ["a", "2"], ["c", "1"]]
    assert combine(options, 10)[4:] == [["b", "2"], ["c", "2"]]
    assert vary(options, 2) == [["a", "1"], ["b", "1"]] and vary([["a"], []], 5) == []
    assert vary([], 5) == [[]]
    code = java_code(["x = '{'; // {", 's = "}";', "/* { */ y(); /*", "{ */ z();"])
    assert code == ["x = ' '; ", 's = "";', "  y();  ", " z();"]


def test_modifiers_of_what_the_file_under_test_reads_come_first() -> None:
    fmt = (
        "package demo;\n\npublic final class Fmt {\n"
        "    public static final Fmt PLAIN = new Fmt();\n\n    private Fmt() {}\n\n"
        "    public Fmt withTrim() {\n        return this;\n    }\n\n"
        "    public Fmt withAlign() {\n        return this;\n    }\n\n"
        "    public Fmt withEscape(char c) {\n        return this;\n    }\n\n"
        "    public char getEscape() {\n        return 'a';\n    }\n}\n"
    )
    reader = (
        "package demo;\n\nclass Reader {\n    Reader(Fmt fmt) {\n"
        "        char e = fmt.getEscape();\n    }\n}\n"
    )
    files = {"src/main/java/demo/Fmt.java": fmt, "src/main/java/demo/Reader.java": reader}
    types = JavaTypes(files, java_sources(files))
    values = types.values("Fmt", "src/main/java/demo/Reader.java")
    assert values[:2] == ["Fmt.PLAIN", "Fmt.PLAIN.withEscape('a')"]  # read: before withTrim()
    assert values.index("Fmt.PLAIN.withTrim()") < values.index("Fmt.PLAIN.withAlign()")
