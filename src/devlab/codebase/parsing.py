"""Parse one source file into symbols, imports and references with tree-sitter.

``parse_source`` walks the syntax tree once, with a ``TreeCursor`` and an explicit
depth counter (no recursion, so deeply nested code cannot overflow the stack), and
reads the per-language node tables in ``grammars.RULES``. Per language only the
quirks that tables cannot say live here: decorators (Python), ``export`` and
``const f = () => ...`` (JS/TS), annotations (Java), receivers and grouped ``type``
blocks (Go), and where imports keep their module name.

It never raises on bad input: syntax errors are reported in ``ParsedFile.error`` with
the symbols still found, and an unexpected failure becomes ``error`` too.
"""

from __future__ import annotations

import re
import threading

from tree_sitter import Node, Tree

from devlab.codebase.grammars import RULES, LanguageRules, get_parser
from devlab.codebase.import_statements import import_statement, js_import_call
from devlab.codebase.languages import PARSED_LANGUAGES
from devlab.codebase.parsing_js import js_definition
from devlab.codebase.records import Import, ParsedFile, Reference, Symbol
from devlab.codebase.source_text import (
    clean_comments,
    clean_docstring,
    collapse_signature,
    count_lines,
    unquote,
)

__all__ = ["parse_source", "statement_lines"]

_JAVA_ANNOTATIONS = frozenset({"annotation", "marker_annotation", "line_comment", "block_comment"})
# callee shapes: node type -> field that holds the next step towards the called name
_CALLEE_STEPS = {
    "attribute": "attribute",
    "member_expression": "property",
    "selector_expression": "field",
    "field_expression": "field",
}
_NAME_LEAVES = frozenset(
    {
        "identifier",
        "type_identifier",
        "property_identifier",
        "private_property_identifier",
        "field_identifier",
        "word",
    }
)


def parse_source(text: str, language: str, module_name: str = "") -> ParsedFile:
    """Extract symbols, imports and references from ``text`` written in ``language``.

    ``module_name`` names the file's "module" symbol (``"pkg.client"``); other
    qualified names are dotted from the top of the file (``"Client.get"``). Languages
    without a grammar give an empty ``ParsedFile``. Never raises.
    """
    if language not in PARSED_LANGUAGES:
        return ParsedFile(language)
    try:
        return _FileWalker(text, language, module_name).run()
    except Exception as exc:  # a parser bug must not stop an ingestion of many files
        return ParsedFile(language, error=f"parser failed: {type(exc).__name__}: {exc}")


def statement_lines(text: str, language: str) -> dict[int, int]:
    """Lines where a statement (or member, or comment) starts -> its block nesting depth.

    Chunking splits long symbols at these lines, preferring the shallowest. Empty for
    languages without a grammar or on any failure.
    """
    if language not in PARSED_LANGUAGES:
        return {}
    try:
        tree = _recent_tree(text, language) or get_parser(language).parse(
            text.encode("utf-8", "replace")
        )
    except Exception:
        return {}
    blocks = RULES[language].blocks
    found: dict[int, int] = {}
    cursor = tree.walk()
    nesting = [0]  # nesting[d]: number of block ancestors of the node at depth d, inclusive
    parent_is_block = [False]
    depth = 0
    while True:
        node = cursor.node
        assert node is not None  # a cursor over a tree always stands on a node
        node_type = node.type
        level = nesting[depth - 1] if depth else 0
        if depth and parent_is_block[depth - 1]:
            # a statement of the outermost block (the file itself) is at depth 0
            line = node.start_point.row + 1
            if found.get(line, 1 << 30) > level - 1:
                found[line] = level - 1
        is_block = node_type in blocks
        if len(nesting) > depth:
            nesting[depth] = level + is_block
            parent_is_block[depth] = is_block
        else:
            nesting.append(level + is_block)
            parent_is_block.append(is_block)
        if cursor.goto_first_child():
            depth += 1
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return found
            depth -= 1


# The last tree this thread parsed: chunking a file right after parsing it (the
# ingestion order) reuses it instead of parsing the file a second time.
_recent = threading.local()


def _remember_tree(text: str, language: str, tree: Tree) -> None:
    _recent.entry = (text, language, tree)


def _recent_tree(text: str, language: str) -> Tree | None:
    entry = getattr(_recent, "entry", None)
    if entry is not None and entry[1] == language and (entry[0] is text or entry[0] == text):
        return entry[2]
    return None


class _Scope:
    """An open definition while the walker is inside it."""

    __slots__ = ("depth", "kind", "qualname")

    def __init__(self, depth: int, qualname: str, kind: str) -> None:
        self.depth = depth
        self.qualname = qualname
        self.kind = kind


class _FileWalker:
    """One pass over one tree; collects symbols, imports and references."""

    def __init__(self, text: str, language: str, module_name: str) -> None:
        self.text = text
        self.language = language
        self.module_name = module_name
        self.src = text.encode("utf-8", "replace")
        self.rules: LanguageRules = RULES[language]
        self.symbols: list[Symbol] = []
        self.imports: list[Import] = []
        self.references: list[Reference] = []
        self._seen_refs: set[tuple[str, str, int, str | None]] = set()
        self._skip: set[int] = set()  # start bytes of names already accounted for
        self._scopes: list[_Scope] = []
        r = self.rules
        self._definitions = r.classes | r.functions | r.methods
        self._interesting = (
            self._definitions | r.refs | set(r.member_refs) | set(r.calls) | r.imports | r.opaque
        )

    # --- the walk ---------------------------------------------------------------

    def run(self) -> ParsedFile:
        tree = get_parser(self.language).parse(self.src)
        _remember_tree(self.text, self.language, tree)
        root = tree.root_node
        self._walk(root)
        module = Symbol(
            name=self.module_name.rpartition(".")[2],
            qualname=self.module_name,
            kind="module",
            signature="",
            docstring=self._module_docstring(root),
            start_line=1,
            end_line=max(1, count_lines(self.text)),
            parent=None,
        )
        error = _first_error(root) if root.has_error else None
        if error and self.language == "bash":
            self.symbols += _bash_functions_in_errors(self.text, self.symbols)
        return ParsedFile(
            self.language, [module, *self.symbols], self.imports, self.references, error
        )

    def _walk(self, root: Node) -> None:
        cursor = root.walk()
        interesting = self._interesting
        scopes = self._scopes
        types: list[str] = []
        fields: list[str | None] = []
        nodes: list[Node] = []
        depth = 0
        while True:
            node = cursor.node
            assert node is not None  # a cursor over a tree always stands on a node
            node_type = node.type
            if len(types) > depth:
                types[depth] = node_type
                fields[depth] = cursor.field_name
                nodes[depth] = node
            else:
                types.append(node_type)
                fields.append(cursor.field_name)
                nodes.append(node)
            while scopes and scopes[-1].depth >= depth:
                scopes.pop()
            enter = True
            if node_type in interesting:
                enter = self._visit(node, node_type, depth, types, fields, nodes)
            if enter and cursor.goto_first_child():
                depth += 1
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return
                depth -= 1

    def _visit(
        self, node: Node, node_type: str, depth: int, types: list, fields: list, nodes: list
    ) -> bool:
        """Handle one interesting node; return whether to walk into its children."""
        r = self.rules
        if node_type in r.refs or node_type in r.member_refs:
            self._reference(node, node_type, depth, types, fields)
            return False
        if node_type in self._definitions:
            self._definition(node, node_type, depth, types, nodes)
            return True
        if node_type in r.calls:
            self._call(node, node_type)
            return True
        if node_type in r.imports:
            return not self._import(node, node_type)
        return node_type not in r.opaque

    def _text(self, node: Node | None) -> str:
        if node is None:
            return ""
        return self.src[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def _scope_name(self) -> str | None:
        return self._scopes[-1].qualname if self._scopes else None

    def _add_reference(self, name: str, kind: str, node: Node) -> None:
        line = node.start_point.row + 1
        scope = self._scope_name()
        key = (name, kind, line, scope)
        if key not in self._seen_refs:
            self._seen_refs.add(key)
            self.references.append(Reference(name, kind, line, scope))

    # --- references and calls ---------------------------------------------------

    def _reference(self, node: Node, node_type: str, depth: int, types: list, fields: list) -> None:
        start = node.start_byte
        if start in self._skip or depth == 0:
            return
        r = self.rules
        position = (types[depth - 1], fields[depth])
        if node_type in r.member_refs:
            if position not in r.member_refs[node_type]:
                return
        elif position in r.bindings:
            return  # a parameter, a declared variable, a keyword argument's name
        elif depth >= 2 and (types[depth - 2], fields[depth - 1]) in r.list_bindings:
            return  # a, b = ...
        name = self.src[start : node.end_byte].decode("utf-8", "replace")
        if len(name) < 2 or name in r.stop_names or name.isdigit():
            return
        self._add_reference(name, "ref", node)

    def _call(self, node: Node, node_type: str) -> None:
        callee = node.child_by_field_name(self.rules.calls[node_type])
        if callee is None:
            return
        if self.language in ("javascript", "typescript", "tsx") and self._js_import_call(
            node, callee
        ):
            return
        name_node = _callee_name(callee)
        if name_node is None:
            return
        name = self._text(name_node)
        self._skip.add(name_node.start_byte)
        if node_type.startswith("jsx_") and not name[:1].isupper():
            return  # <div>: an HTML tag, not a component
        if self.language == "bash" and name in ("source", "."):
            argument = node.child_by_field_name("argument")
            if argument is not None:
                self.imports.append(
                    Import(unquote(self._text(argument)), (), node.start_point.row + 1)
                )
            return
        if len(name) >= 2 and name not in self.rules.stop_names:
            self._add_reference(name, "call", node)

    def _js_import_call(self, node: Node, callee: Node) -> bool:
        """``require("x")`` and ``import("x")`` are imports, not calls."""
        found = js_import_call(self.src, node, callee)
        if found is None:
            return False
        self.imports.append(found)
        self._skip.add(callee.start_byte)
        return True

    def _import(self, node: Node, node_type: str) -> bool:
        """Record an import statement; return True when the node needs no further walk."""
        found = import_statement(self.src, node, node_type, self.language)
        if found is None:
            return False  # an export statement without "from": walk its declaration
        self.imports.extend(found)
        return True

    # --- definitions --------------------------------------------------------------

    def _definition(self, node: Node, node_type: str, depth: int, types: list, nodes: list) -> None:
        found = _DEFINERS[self.language](self, node, node_type, depth, types, nodes)
        if found is None:
            return
        name_node, kind, outer, sig_start, sig_end, body, *extra = found
        owner = extra[0] if extra else None  # an explicit owner: res.send -> "res"
        # a generated name (an anonymous Java class) is a str, not a node
        name = name_node if isinstance(name_node, str) else self._text(name_node).strip()
        if not name:
            return
        enclosing = self._scopes[-1] if self._scopes else None
        if kind == "function" and enclosing is not None and enclosing.kind == "class":
            kind = "method"
        if kind == "method" and node_type == "method_declaration" and self.language == "go":
            receiver = _go_receiver_type(self, node)
            parent = receiver or None
            qualname = f"{receiver}.{name}" if receiver else name
        elif owner:
            prefix = enclosing.qualname + "." if enclosing is not None else ""
            parent = (
                prefix + owner if enclosing is not None and enclosing.kind != "class" else owner
            )
            qualname = f"{parent}.{name}"
        else:
            parent = enclosing.qualname if enclosing is not None else None
            qualname = f"{parent}.{name}" if parent else name
        signature = collapse_signature(self.src[sig_start:sig_end].decode("utf-8", "replace"))
        if node_type in ("type_spec", "type_alias") and outer is node:
            signature = "type " + signature  # one spec of a grouped type ( ... ) block
        if self.language == "python":
            docstring = _python_docstring(self, body)
        else:
            docstring = self._leading_comments(outer)
        start = outer.start_point.row + 1
        self.symbols.append(
            Symbol(name, qualname, kind, signature, docstring, start, _end_line(outer), parent)
        )
        if not isinstance(name_node, str):
            self._skip.add(name_node.start_byte)
        # a TypeScript namespace holds functions, not methods
        scope_kind = "namespace" if node_type in ("internal_module", "module") else kind
        self._scopes.append(_Scope(depth, qualname, scope_kind))

    def _leading_comments(self, node: Node) -> str:
        """The comment block right above ``node`` (no blank line between), markers stripped."""
        comments: list[str] = []
        line = node.start_point.row
        prev = node.prev_sibling
        while prev is not None and prev.type in self.rules.comments:
            if prev.end_point.row < line - 1 or not self._starts_line(prev):
                break
            comments.append(self._text(prev))
            line = prev.start_point.row
            prev = prev.prev_sibling
        return clean_comments(reversed(comments))

    def _starts_line(self, node: Node) -> bool:
        line_start = self.src.rfind(b"\n", 0, node.start_byte) + 1
        return not self.src[line_start : node.start_byte].strip()

    def _module_docstring(self, root: Node) -> str:
        """A Python module docstring, else the first comment block (after any shebang)."""
        if self.language == "python":
            docstring = _python_docstring(self, root)
            if docstring:
                return docstring
        comments: list[str] = []
        last_row = -1
        for child in root.children:
            if child.type not in self.rules.comments:
                break
            text = self._text(child)
            if text.startswith("#!") or "-*- coding" in text:
                continue
            if comments and child.start_point.row > last_row + 1:
                break  # a blank line ends the block
            comments.append(text)
            last_row = child.end_point.row
        return clean_comments(comments)

    def _header_end(self, node: Node, body: Node | None) -> int:
        """End byte of the header: the last non-comment child before the body."""
        end = node.start_byte
        for child in node.children:
            if body is not None and child.start_byte >= body.start_byte:
                break
            if child.type in self.rules.comments or (body is None and child.type == ";"):
                continue
            end = child.end_byte
        return end


# --- per-language definition shapes --------------------------------------------
# Each returns (name node, kind, outer node for lines and comments, signature start,
# signature end, body) or None when the node defines nothing.

_Definition = tuple[Node, str, Node, int, int, "Node | None"]


def _python_definition(w: _FileWalker, node: Node, node_type: str, depth: int, types, nodes):
    name = node.child_by_field_name("name")
    body = node.child_by_field_name("body")
    if name is None:
        return None
    outer = nodes[depth - 1] if depth and types[depth - 1] == "decorated_definition" else node
    kind = "class" if node_type == "class_definition" else "function"
    return name, kind, outer, node.start_byte, w._header_end(node, body), body


def _java_definition(w: _FileWalker, node: Node, node_type: str, depth: int, types, nodes):
    if node_type == "variable_declarator":
        return _java_lambda_field(w, node, depth, types, nodes)
    if node_type == "class_body":
        return _java_anonymous_class(w, node, depth, types, nodes)
    name = node.child_by_field_name("name")
    if name is None:
        return None
    body = node.child_by_field_name("body")
    kind = "class" if node_type in w.rules.classes else "method"
    sig_start = node.start_byte
    first = node.child(0)
    if first is not None and first.type == "modifiers":
        # the signature leaves out annotations, as Python's leaves out decorators
        rest = [c for c in first.children if c.type not in _JAVA_ANNOTATIONS]
        sig_start = rest[0].start_byte if rest else (first.next_sibling or first).start_byte
    return name, kind, node, sig_start, w._header_end(node, body), body


def _java_lambda_field(w: _FileWalker, node: Node, depth: int, types, nodes):
    """``private final Runnable task = () -> run();``: a method-like field."""
    if not depth or types[depth - 1] != "field_declaration":
        return None
    name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
    if name is None or value is None or value.type != "lambda_expression":
        return None
    outer = nodes[depth - 1]
    body = value.child_by_field_name("body")
    sig_end = body.start_byte if body is not None else value.end_byte
    sig_start = outer.start_byte
    first = outer.child(0)
    if first is not None and first.type == "modifiers":
        rest = [c for c in first.children if c.type not in _JAVA_ANNOTATIONS]
        sig_start = rest[0].start_byte if rest else (first.next_sibling or first).start_byte
    return name, "method", outer, sig_start, sig_end, None


def _java_anonymous_class(w: _FileWalker, node: Node, depth: int, types, nodes):
    """``new Listener() { ... }``: a class named ``Listener$anon`` (javac says Outer$1)."""
    if not depth or types[depth - 1] != "object_creation_expression":
        return None
    creation = nodes[depth - 1]
    type_node = creation.child_by_field_name("type")
    base = w._text(_callee_name(type_node) if type_node is not None else None) or "Object"
    return f"{base}$anon", "class", creation, creation.start_byte, node.start_byte, node


def _go_closure(w: _FileWalker, node: Node, node_type: str):
    """``var f = func() {...}`` / ``f := func() {...}``: one name, one function literal."""
    if node_type == "var_spec":
        names = node.children_by_field_name("name")
        values = node.child_by_field_name("value")
    else:
        left, values = node.child_by_field_name("left"), node.child_by_field_name("right")
        names = left.named_children if left is not None else []
    exprs = values.named_children if values is not None else []
    if len(names) != 1 or len(exprs) != 1 or exprs[0].type != "func_literal":
        return None
    body = exprs[0].child_by_field_name("body")
    sig_end = body.start_byte if body is not None else exprs[0].end_byte
    return names[0], "function", node, node.start_byte, sig_end, body


def _go_definition(w: _FileWalker, node: Node, node_type: str, depth: int, types, nodes):
    if node_type in ("var_spec", "short_var_declaration"):
        return _go_closure(w, node, node_type)
    name = node.child_by_field_name("name")
    if name is None:
        return None
    if node_type in ("type_spec", "type_alias"):
        outer = node
        parent = nodes[depth - 1] if depth else None
        if parent is not None and parent.type == "type_declaration":
            specs = [c for c in parent.named_children if c.type in ("type_spec", "type_alias")]
            if len(specs) == 1:
                outer = parent
        type_node = node.child_by_field_name("type")
        sig_end = node.end_byte
        if type_node is not None and type_node.type in ("struct_type", "interface_type"):
            brace = next(
                (c for c in type_node.children if c.type in ("{", "field_declaration_list")), None
            )
            if brace is not None:
                sig_end = brace.start_byte
        return name, "class", outer, outer.start_byte, sig_end, None
    body = node.child_by_field_name("body")
    kind = "method" if node_type == "method_declaration" else "function"
    return name, kind, node, node.start_byte, w._header_end(node, body), body


def _bash_definition(w: _FileWalker, node: Node, node_type: str, depth: int, types, nodes):
    name = node.child_by_field_name("name")
    if name is None:
        return None
    body = node.child_by_field_name("body")
    return name, "function", node, node.start_byte, w._header_end(node, body), body


_DEFINERS = {
    "python": _python_definition,
    "javascript": js_definition,
    "typescript": js_definition,
    "tsx": js_definition,
    "java": _java_definition,
    "go": _go_definition,
    "bash": _bash_definition,
}


_BASH_FUNCTION = re.compile(
    r"^([ \t]*)(?:function[ \t]+([A-Za-z_][\w:.-]*)(?:[ \t]*\([ \t]*\))?"
    r"|([A-Za-z_][\w:.-]*)[ \t]*\([ \t]*\))[ \t]*(\{)?[ \t]*$"
)


def _bash_functions_in_errors(text: str, found: list[Symbol]) -> list[Symbol]:
    """Function definitions tree-sitter-bash lost to a syntax error it could not recover
    from (it gives up on the rest of the file): read line by line, the body ending at
    the first ``}`` line with the definition's indentation. Only when the tree has an
    error, and never a name already found on that line."""
    known = {(s.name, s.start_line) for s in found}
    lines = text.split("\n")
    extra: list[Symbol] = []
    for index, line in enumerate(lines):
        match = _BASH_FUNCTION.match(line)
        if match is None:
            continue
        name = match.group(2) or match.group(3)
        if (name, index + 1) in known:
            continue
        opened = match.group(4) or (index + 1 < len(lines) and lines[index + 1].strip() == "{")
        if not opened:
            continue
        close = re.compile(rf"^{re.escape(match.group(1))}\}}")
        end = next((j for j in range(index + 1, len(lines)) if close.match(lines[j])), index)
        signature = collapse_signature(line.strip().rstrip("{").strip())
        extra.append(Symbol(name, name, "function", signature, "", index + 1, end + 1, None))
    return extra


def _go_receiver_type(w: _FileWalker, node: Node) -> str:
    """``func (c *Client[T]) Get()`` -> ``"Client"``."""
    receiver = node.child_by_field_name("receiver")
    if receiver is None:
        return ""
    param = next((c for c in receiver.named_children if c.type == "parameter_declaration"), None)
    current = param.child_by_field_name("type") if param is not None else None
    while current is not None and current.type != "type_identifier":
        if current.type == "pointer_type":
            current = current.named_child(0)
        elif current.type == "generic_type":
            current = current.child_by_field_name("type")
        else:
            return ""
    return w._text(current)


def _python_docstring(w: _FileWalker, body: Node | None) -> str:
    """The string literal that opens a Python module, class or function body."""
    if body is None:
        return ""
    for child in body.named_children:
        if child.type == "comment":
            continue
        if child.type == "expression_statement" and child.named_child_count == 1:
            string = child.named_child(0)
            if string is not None and string.type == "string":
                return clean_docstring(w._text(string))
        return ""
    return ""


def _callee_name(node: Node) -> Node | None:
    """The node naming what is called: ``a.b.get(...)`` -> ``get``, ``new pkg.Foo()`` -> ``Foo``."""
    for _ in range(8):
        node_type = node.type
        if node_type in _NAME_LEAVES:
            return node
        step = _CALLEE_STEPS.get(node_type)
        if step is not None:
            found = node.child_by_field_name(step)
        elif node_type in ("generic_type", "command_name"):
            found = node.named_child(0)
        elif node_type in ("scoped_type_identifier", "nested_identifier", "member_expression"):
            found = node.named_child(node.named_child_count - 1)
        else:
            return None
        if found is None:
            return None
        node = found
    return None


def _end_line(node: Node) -> int:
    """1-based last line of ``node``; a node ending just after a newline ends on the line before."""
    end = node.end_point
    if end.column == 0 and end.row > node.start_point.row:
        return end.row
    return end.row + 1


def _first_error(root: Node) -> str:
    """A short message naming the line of the first ERROR or MISSING node."""
    node = root
    for _ in range(10_000):
        if node.is_error or node.is_missing:
            break
        child = next((c for c in node.children if c.has_error or c.is_missing), None)
        if child is None:
            break
        node = child
    line = node.start_point.row + 1
    if node.is_missing:
        return f"syntax error at line {line}: missing {node.type!r}"
    return f"syntax error at line {line}"
