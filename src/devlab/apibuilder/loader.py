"""Read an OpenAPI document (YAML or JSON) safely, with its ``$ref``s bundled.

Reading order: ``read_document`` (size cap, YAML/JSON with libyaml, node and depth
caps) -> ``bundle_refs`` (every ``$ref`` checked: a URL is refused, a relative file
must be in the uploaded bundle and is inlined, an internal pointer must resolve;
circular internal refs stay refs) -> ``line_of`` (the 1-based line of a JSON
pointer, computed only when an error needs it). Nothing here touches the network
or reads a file: a "bundle" is a dict of the uploaded files' texts.
"""

from __future__ import annotations

import copy
import json
import posixpath
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import yaml

from devlab.apibuilder.errors import RefRefused, SpecInvalid, SpecTooLarge

MAX_BYTES = 20_000_000  # one document; real specs of thousands of operations are < 10 MB
MAX_DEPTH = 96  # nesting of mappings/lists in the raw document
MAX_NODES = 3_000_000  # values visited (stops YAML alias bombs)
MAX_INLINED = 5_000  # external $refs inlined into the main document

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    """A parsed document: its data, its source text (for lines) and the bundle."""

    data: dict[str, Any]
    text: str
    name: str
    bundle: dict[str, str] = field(default_factory=dict)


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer(parts: list[Any] | tuple[Any, ...]) -> str:
    """``['paths', '/a', 'get']`` -> ``/paths/~1a/get``."""
    return "".join("/" + escape(str(p)) for p in parts)


def split_pointer(ptr: str) -> list[str]:
    if not ptr or ptr == "/":
        return []
    return [unquote(p).replace("~1", "/").replace("~0", "~") for p in ptr.lstrip("/").split("/")]


def _parse_text(text: str, name: str) -> Any:
    try:
        return _parse_inner(text, name)
    except RecursionError:
        raise SpecTooLarge(
            f"{name} nests too deeply to parse (limit MAX_DEPTH={MAX_DEPTH})",
            detail={"limit": "depth", "maximum": MAX_DEPTH},
        ) from None


def _parse_inner(text: str, name: str) -> Any:
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecInvalid(
                f"{name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                detail={"pointer": "", "line": exc.lineno, "file": name},
            ) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecInvalid(
            f"{name}: invalid YAML at line {line}: {problem}",
            detail={"pointer": "", "line": line, "file": name},
        ) from None


def _check_shape(data: Any, name: str) -> None:
    """Depth and node caps, iteratively (a recursive walk would hit Python's stack)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise SpecTooLarge(
                f"{name} has more than {MAX_NODES} values (limit MAX_NODES); "
                "split it or remove YAML aliases",
                detail={"limit": "nodes", "maximum": MAX_NODES},
            )
        if depth > MAX_DEPTH:
            raise SpecTooLarge(
                f"{name} nests deeper than {MAX_DEPTH} levels (limit MAX_DEPTH)",
                detail={"limit": "depth", "maximum": MAX_DEPTH},
            )
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def read_document(
    text: str | bytes, name: str = "openapi.yaml", bundle: dict[str, str] | None = None
) -> Document:
    """Parse one document (the main file of ``bundle`` when given), with the caps."""
    size = len(text)
    if size > MAX_BYTES:
        raise SpecTooLarge(
            f"{name} is {size} bytes; the limit is {MAX_BYTES} bytes (MAX_BYTES)",
            detail={"limit": "bytes", "maximum": MAX_BYTES},
        )
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    data = _parse_text(text, name)
    if not isinstance(data, dict):
        raise SpecInvalid(
            f"{name}: the document must be a mapping (an OpenAPI object), "
            f"not {type(data).__name__}",
            detail={"pointer": "", "line": 1, "file": name},
        )
    _check_shape(data, name)
    data = _string_keys(data)
    return Document(data=data, text=text, name=name, bundle=dict(bundle or {}))


def _string_keys(value: Any) -> Any:
    """YAML reads ``200:`` as an int key; OpenAPI keys are strings (iteratively deep)."""
    if not isinstance(value, dict | list):
        return value
    root: list[Any] = [value]
    stack: list[tuple[Any, Any, Any]] = [(root, 0, value)]
    while stack:
        parent, key, node = stack.pop()
        if isinstance(node, dict):
            if any(not isinstance(k, str) for k in node):
                node = {str(k): v for k, v in node.items()}
                parent[key] = node
            stack.extend((node, k, v) for k, v in node.items() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((node, i, v) for i, v in enumerate(node) if isinstance(v, dict | list))
    return root[0]


def resolve_pointer(data: Any, ptr: str) -> Any:
    """The value at ``ptr`` in ``data``; KeyError when it does not exist."""
    node = data
    for part in split_pointer(ptr):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(ptr)
    return node


def _skip_key(key: str) -> bool:
    # Values under these keys are data, not OpenAPI objects: a "$ref" there is text.
    return key == "example" or key.startswith("x-")


class _Bundler:
    """Inline external refs (files of the bundle), check internal ones."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.inlined = 0
        self.cache: dict[str, Any] = {}

    def _refuse(self, ref: str, at: list[Any], reason: str) -> RefRefused:
        ptr = pointer(at)
        return RefRefused(
            f"$ref {ref!r} at {ptr} refused: {reason}",
            detail={"pointer": ptr, "line": line_of(self.doc.text, ptr), "ref": ref},
        )

    def _file_data(self, fname: str, ref: str, at: list[Any]) -> Any:
        if fname not in self.cache:
            if fname not in self.doc.bundle:
                raise self._refuse(ref, at, f"file {fname!r} is not part of the uploaded bundle")
            self.cache[fname] = read_document(self.doc.bundle[fname], fname).data
        return self.cache[fname]

    def walk(self, node: Any, at: list[Any], base: str, root: Any, chain: tuple) -> Any:
        if isinstance(node, list):
            return [self.walk(v, [*at, i], base, root, chain) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._ref(node, ref, at, base, root, chain)
        return {
            k: (v if _skip_key(str(k)) else self.walk(v, [*at, k], base, root, chain))
            for k, v in node.items()
        }

    def _ref(self, node: dict, ref: str, at: list, base: str, root: Any, chain: tuple) -> Any:
        target, _, frag = ref.partition("#")
        if "://" in target or target.startswith("//"):
            raise self._refuse(ref, at, "URLs are never fetched; upload the file in the bundle")
        if target.startswith("/") or target.startswith("\\"):
            raise self._refuse(ref, at, "absolute paths are outside the bundle")
        if not target:
            if base == self.doc.name:
                try:
                    resolve_pointer(root, frag)
                except KeyError:
                    raise self._refuse(ref, at, f"{frag or '/'} does not exist") from None
                return node  # internal refs stay refs (they may be circular)
            target = base
        else:
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), target))
            if joined.startswith("../") or joined == "..":
                raise self._refuse(ref, at, "the path leaves the bundle")
            target = joined
        key = f"{target}#{frag}"
        if key in chain:
            raise self._refuse(ref, at, "circular reference between files")
        self.inlined += 1
        if self.inlined > MAX_INLINED:
            raise SpecTooLarge(
                f"more than {MAX_INLINED} external $refs to inline (limit MAX_INLINED)",
                detail={"limit": "refs", "maximum": MAX_INLINED},
            )
        data = root if target == self.doc.name else self._file_data(target, ref, at)
        try:
            value = resolve_pointer(data, frag)
        except KeyError:
            raise self._refuse(ref, at, f"{frag or '/'} does not exist in {target}") from None
        value = copy.deepcopy(value)
        return self.walk(value, at, target, data, (*chain, key))


def bundle_refs(doc: Document) -> dict[str, Any]:
    """The document with external refs inlined and every ref checked (see module doc)."""
    bundler = _Bundler(doc)
    return bundler.walk(doc.data, [], doc.name, doc.data, ())


def line_of(text: str, ptr: str) -> int | None:
    """1-based line of the node at JSON pointer ``ptr`` in ``text`` (None if unknown)."""
    return lines_of(text, [ptr]).get(ptr)


def lines_of(text: str, ptrs: list[str]) -> dict[str, int]:
    """1-based line of each JSON pointer in ``text``, parsing the text once (empty when
    it is not YAML/JSON)."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return {}
    return {ptr: _line_in(root, ptr) for ptr in ptrs}


def _line_in(node: Any, ptr: str) -> int:
    best = 1
    for part in split_pointer(ptr):
        if node is None:
            break
        best = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if str(k.value) == part), None)
            if match is None:
                break
            best = next(k for k, v in node.value if v is match).start_mark.line + 1
            node = match
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
        else:
            break
    else:
        if node is not None and not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            best = node.start_mark.line + 1
    return best


__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Document",
    "bundle_refs",
    "line_of",
    "lines_of",
    "pointer",
    "read_document",
    "resolve_pointer",
]
