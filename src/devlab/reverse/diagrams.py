"""Diagrams of a snapshot as Mermaid, PlantUML or SVG (Graphviz ``dot``).

Each diagram type first becomes a small drawing record (``Drawing``: nodes with a
group, edges with a style), then one of three writers renders it. Large graphs stay
readable: modules are clustered by package, a dependency diagram without ``depth``
collapses itself to the deepest package level that fits ``max_nodes``, and what
still does not fit is cut with a note ("N more modules not shown").
"""

from __future__ import annotations

import posixpath
import re
import shutil
import subprocess
from collections import defaultdict
from typing import Literal, NamedTuple

from devlab.codebase import require_snapshot, resolve_project
from devlab.errors import ComponentUnavailable, DevLabError, InvalidInput, NotFound
from devlab.reverse.architecture import (
    ClassDiagram,
    ClassNode,
    ModuleGraph,
    _snapshot_files,
    call_graph,
    class_diagram,
    collapse_key,
    in_scope,
    module_graph,
    module_key,
    scope_prefix,
)
from devlab.reverse.errors import UnknownDiagramType
from devlab.reverse.services import Usage, detect_services
from devlab.store import Database

__all__ = ["DIAGRAM_TYPES", "FORMATS", "Drawing", "render_diagram", "render_dot_svg"]

DIAGRAM_TYPES = ("uml", "dependency", "architecture", "call")
FORMATS = ("mermaid", "plantuml", "svg", "dot")  # dot: the Graphviz source of the SVG
DEFAULT_MAX_NODES = {"dependency": 80, "architecture": 40, "call": 60, "uml": 60}
DOT_TIMEOUT_S = 60
MAX_METHODS = 10

Shape = Literal["module", "package", "external", "function", "store", "queue", "cloud", "api"]


class DNode(NamedTuple):
    id: str
    label: str
    group: str  # cluster label; "" for none
    shape: Shape
    detail: str = ""  # a second label line


class DEdge(NamedTuple):
    source: str
    target: str
    label: str = ""
    style: Literal["solid", "dashed", "cycle", "light"] = "solid"
    weight: int = 1


class Drawing(NamedTuple):
    title: str
    nodes: list[DNode]
    edges: list[DEdge]
    notes: list[str]
    rankdir: str = "LR"


# ---------------------------------------------------------------- building drawings


def _short(node_id: str, group: str) -> str:
    if group and node_id.startswith(group + "/"):
        return node_id[len(group) + 1 :]
    return node_id


def _dotted(text: str) -> str:
    return text.replace("/", ".")


def _fit_depth(graph: ModuleGraph, limit: int) -> int | None:
    """The deepest collapse level whose node count fits ``limit`` (None: no collapse)."""
    keys = [n.id for n in graph.nodes if n.kind != "external"]
    if len(keys) <= limit:
        return graph.depth
    prefix = graph.scope or ""
    best = 1
    for depth in range(1, 12):
        if len({collapse_key(k, prefix, depth) for k in keys}) <= limit:
            best = depth
        else:
            break
    return best


def _cut_modules(graph: ModuleGraph, limit: int, notes: list[str]) -> set[str]:
    internal = [n for n in graph.nodes if n.kind != "external"]
    if len(internal) <= limit:
        return {n.id for n in internal}
    ordered = sorted(internal, key=lambda n: (-(n.fan_in + n.fan_out), n.id))
    notes.append(f"{len(internal) - limit} more modules not shown")
    return {n.id for n in ordered[:limit]}


def _dependency(
    db: Database, project: str | int, scope: str | None, depth: int | None, max_nodes: int
) -> Drawing:
    graph = module_graph(db, project, scope=scope, depth=depth, external=False)
    notes = list(graph.notes)
    fitted = _fit_depth(graph, max_nodes) if depth is None else depth
    if fitted != graph.depth:
        graph = module_graph(db, project, scope=scope, depth=fitted, external=False)
        notes.append(f"modules collapsed to package depth {fitted} to fit {max_nodes} nodes")
    kept = _cut_modules(graph, max_nodes, notes)
    parents = {n.package for n in graph.nodes}
    in_cycle = {m for cycle in graph.cycles for m in cycle}
    if graph.cycles:
        notes.append(f"{len(graph.cycles)} import cycle(s), drawn in red")
    nodes = [
        DNode(
            n.id,
            _dotted(_short(n.id, n.package)) + ("/" if n.kind == "package" else ""),
            _dotted(n.id if n.id in parents else n.package),
            "package" if n.kind == "package" else "module",
            f"{n.files} files" if n.files > 1 else "",
        )
        for n in graph.nodes
        if n.id in kept
    ]
    edges = [
        DEdge(
            e.source,
            e.target,
            style="cycle" if e.source in in_cycle and e.target in in_cycle else "solid",
            weight=e.weight,
        )
        for e in graph.edges
        if e.source in kept and e.target in kept
    ]
    title = f"{graph.project}: module dependencies" + (f" in {graph.scope}" if graph.scope else "")
    return Drawing(title, nodes, edges, notes, "LR" if len(nodes) <= 15 else "TB")


def _call(db: Database, project: str | int, scope: str | None, max_nodes: int) -> Drawing:
    graph = call_graph(db, project, scope=scope, max_nodes=max_nodes)
    nodes = [
        DNode(
            n.id,
            n.qualname + ("()" if n.kind != "class" else ""),
            _dotted(posixpath.splitext(n.path)[0]),
            "function",
        )
        for n in graph.nodes
    ]
    edges = [DEdge(e.source, e.target, weight=e.count) for e in graph.edges]
    return Drawing(f"{graph.project}: call graph", nodes, edges, list(graph.notes), "LR")


def _architecture(
    db: Database, project: str | int, scope: str | None, depth: int | None, max_nodes: int
) -> Drawing:
    graph = module_graph(db, project, scope=scope, depth=depth, external=False)
    notes = list(graph.notes)
    if depth is None:
        fitted = _fit_depth(graph, max_nodes)
        if fitted != graph.depth:
            graph = module_graph(db, project, scope=scope, depth=fitted, external=False)
    kept = _cut_modules(graph, max_nodes, notes)
    prefix = graph.scope or ""
    known = {n.id for n in graph.nodes}

    def owner(path: str) -> str | None:
        if prefix and not (path == prefix or path.startswith(prefix + "/")):
            return None
        for lang in ("python", "javascript", "typescript", "java", "go"):
            key = collapse_key(module_key(path, lang), prefix, graph.depth)
            if key in known:
                return key if key in kept else None
        return None

    services = detect_services(db, project)
    details: dict[str, list[str]] = defaultdict(list)
    routes: dict[str, int] = defaultdict(int)
    for r in services.routes:
        if (key := owner(r.path)) is not None:
            routes[key] += 1
    for key, count in routes.items():
        details[key].append(f"{count} route{'s' if count > 1 else ''}")
    for e in services.entry_points:
        if (key := owner(e.path)) is not None and "entry point" not in details[key]:
            details[key].append("entry point")
    extra_nodes: dict[str, DNode] = {}
    extra_edges: dict[tuple[str, str], int] = defaultdict(int)
    kinds: list[tuple[str, list[Usage], Shape]] = [
        ("Databases", services.database, "store"),
        ("Queues", services.queues, "queue"),
        ("External HTTP", services.outbound_http, "cloud"),
    ]
    for group, usages, shape in kinds:
        for u in usages:
            if (key := owner(u.path)) is None:
                continue
            target = f"svc:{u.category}:{u.library}"
            extra_nodes[target] = DNode(target, u.library, group, shape)
            extra_edges[(key, target)] += 1
    if routes:
        extra_nodes["svc:clients"] = DNode("svc:clients", "HTTP clients", "", "api")
        for key, count in routes.items():
            extra_edges[("svc:clients", key)] = count
    parents = {n.package for n in graph.nodes}
    nodes = [
        DNode(
            n.id,
            _dotted(_short(n.id, n.package)),
            _dotted(n.id if n.id in parents else n.package),
            "package" if n.kind == "package" else "module",
            ", ".join(details.get(n.id, [])),
        )
        for n in graph.nodes
        if n.id in kept
    ]
    nodes += list(extra_nodes.values())
    edges = [
        DEdge(e.source, e.target, style="light", weight=e.weight)
        for e in graph.edges
        if e.source in kept and e.target in kept
    ]
    for (source, target), count in sorted(extra_edges.items()):
        label = f"{count} routes" if source == "svc:clients" else ""
        edges.append(DEdge(source, target, label=label, style="dashed", weight=count))
    return Drawing(f"{graph.project}: architecture", nodes, edges, notes, "LR")


# ---------------------------------------------------------------- writers: flow graphs


def _ids(nodes: list[DNode]) -> dict[str, str]:
    return {n.id: f"n{i}" for i, n in enumerate(nodes)}


def _groups(nodes: list[DNode]) -> dict[str, list[DNode]]:
    groups: dict[str, list[DNode]] = defaultdict(list)
    for n in nodes:
        groups[n.group].append(n)
    return groups


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


_MERMAID_SHAPES = {
    "store": ('[("', '")]'),
    "queue": ('[/"', '"/]'),
    "cloud": ('(["', '"])'),
    "api": ('(("', '"))'),
    "function": ('("', '")'),
}


def _to_mermaid(d: Drawing) -> str:
    ids = _ids(d.nodes)
    out = [f"---\ntitle: {_mermaid_text(d.title)}\n---", f"flowchart {d.rankdir}"]
    for gi, (group, members) in enumerate(sorted(_groups(d.nodes).items())):
        indent = "  "
        if group:
            out.append(f'  subgraph g{gi}["{_mermaid_text(group)}"]')
            indent = "    "
        for n in members:
            left, right = _MERMAID_SHAPES.get(n.shape, ('["', '"]'))
            label = _mermaid_text(n.label) + (
                f"<br/><i>{_mermaid_text(n.detail)}</i>" if n.detail else ""
            )
            out.append(f"{indent}{ids[n.id]}{left}{label}{right}")
        if group:
            out.append("  end")
    cycle_links = []
    for i, e in enumerate(d.edges):
        arrow = "-.->" if e.style in ("dashed", "light") else "-->"
        label = f"|{_mermaid_text(e.label)}|" if e.label else ""
        out.append(f"  {ids[e.source]} {arrow}{label} {ids[e.target]}")
        if e.style == "cycle":
            cycle_links.append(str(i))
    if cycle_links:
        out.append(f"  linkStyle {','.join(cycle_links)} stroke:#d62728,stroke-width:2px")
    for note in d.notes:
        out.append(f"  %% {note}")
    return "\n".join(out) + "\n"


_PUML_SHAPES = {
    "module": "rectangle",
    "package": "folder",
    "external": "rectangle",
    "function": "rectangle",
    "store": "database",
    "queue": "queue",
    "cloud": "cloud",
    "api": "actor",
}


def _puml_text(text: str) -> str:
    return text.replace('"', "'")


def _to_plantuml(d: Drawing) -> str:
    ids = _ids(d.nodes)
    out = ["@startuml", f"title {_puml_text(d.title)}"]
    if d.rankdir == "LR":
        out.append("left to right direction")
    for group, members in sorted(_groups(d.nodes).items()):
        indent = ""
        if group:
            out.append(f'package "{_puml_text(group)}" {{')
            indent = "  "
        for n in members:
            label = _puml_text(n.label) + (f"\\n<i>{_puml_text(n.detail)}</i>" if n.detail else "")
            out.append(f'{indent}{_PUML_SHAPES.get(n.shape, "rectangle")} "{label}" as {ids[n.id]}')
        if group:
            out.append("}")
    for e in d.edges:
        arrow = "..>" if e.style in ("dashed", "light") else "-->"
        color = " #d62728" if e.style == "cycle" else ""
        arrow = arrow.replace("-", f"-[{color.strip()}]-", 1) if color else arrow
        label = f" : {_puml_text(e.label)}" if e.label else ""
        out.append(f"{ids[e.source]} {arrow} {ids[e.target]}{label}")
    if d.notes:
        out.append("legend bottom\n" + "\n".join(_puml_text(n) for n in d.notes) + "\nendlegend")
    out.append("@enduml")
    return "\n".join(out) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_DOT_NODE = {
    "module": 'shape=box, style="rounded,filled", fillcolor="#e8f0fe", color="#4a6fa5"',
    "package": 'shape=folder, style="filled", fillcolor="#d6e4f7", color="#4a6fa5"',
    "external": 'shape=box, style="rounded,dashed", color="#999999", fontcolor="#666666"',
    "function": 'shape=box, style="rounded,filled", fillcolor="#eef7ee", color="#4f8a4f"',
    "store": 'shape=cylinder, style="filled", fillcolor="#fff2cc", color="#b8860b"',
    "queue": 'shape=cds, style="filled", fillcolor="#fde2e2", color="#b85450"',
    "cloud": 'shape=ellipse, style="filled", fillcolor="#f0e6fa", color="#7b5aa6"',
    "api": 'shape=doublecircle, style="filled", fillcolor="#fce8b2", color="#b8860b", '
    "fixedsize=false",
}
_DOT_EDGE = {
    "solid": 'color="#5b6b7f"',
    "dashed": 'color="#b8860b", style=dashed',
    "cycle": 'color="#d62728", penwidth=1.6',
    "light": 'color="#b0b8c4"',
}


def _dot_header(d: Drawing) -> list[str]:
    label = _dot_text(d.title + "".join(f"\n{n}" for n in d.notes))
    return [
        "digraph G {",
        f'  graph [rankdir={d.rankdir}, fontname="Helvetica", fontsize=12, labelloc=t, '
        f'labeljust=l, label="{label}", nodesep=0.25, ranksep=0.7, newrank=true, '
        'pad=0.3, bgcolor="white"];',
        '  node [fontname="Helvetica", fontsize=10, margin="0.15,0.06"];',
        "  edge [arrowsize=0.6, arrowhead=vee];",
    ]


def _to_dot(d: Drawing) -> str:
    ids = _ids(d.nodes)
    out = _dot_header(d)
    for gi, (group, members) in enumerate(sorted(_groups(d.nodes).items())):
        indent = "  "
        if group:
            out.append(f"  subgraph cluster_{gi} {{")
            out.append(
                f'    label="{_dot_text(group)}"; style="rounded,filled"; '
                'fillcolor="#f7f8fa"; color="#c8cfd8"; fontsize=11; fontcolor="#34495e";'
            )
            indent = "    "
        for n in members:
            label = f"<{_html(n.label)}"
            if n.detail:
                label += f'<br/><font point-size="8" color="#555555">{_html(n.detail)}</font>'
            label += ">"
            out.append(f"{indent}{ids[n.id]} [label={label}, {_DOT_NODE[n.shape]}];")
        if group:
            out.append("  }")
    top = max((e.weight for e in d.edges), default=1)
    for e in d.edges:
        width = 0.8 + 1.6 * (e.weight / top) ** 0.5 if e.style != "cycle" else 1.8
        label = f', label="{_dot_text(e.label)}", fontsize=8' if e.label else ""
        out.append(
            f"  {ids[e.source]} -> {ids[e.target]} "
            f"[{_DOT_EDGE[e.style]}, penwidth={width:.2f}{label}];"
        )
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- writers: UML


def _uml_ids(diagram: ClassDiagram) -> dict[str, str]:
    ids: dict[str, str] = {}
    used: set[str] = set()
    for c in diagram.classes:
        base = re.sub(r"\W", "_", c.name) or "C"
        name, i = base, 2
        while name in used:
            name, i = f"{base}_{i}", i + 1
        used.add(name)
        ids[c.id] = name
    return ids


def _uml_type(text: str) -> str:
    return re.sub(r"[\[<]", "~", re.sub(r"[\]>]", "~", " ".join(text.split())))[:40]


def _members(c: ClassNode, limit: int = MAX_METHODS) -> tuple[list[str], list[str]]:
    attrs = [f"{name}: {type_}" for name, type_ in c.attributes[:limit]]
    methods = [f"{m}()" for m in c.methods[:limit]]
    if len(c.methods) > limit:
        methods.append(f"... {len(c.methods) - limit} more")
    return attrs, methods


_UML_ARROWS = {"inherits": "<|--", "implements": "<|..", "composes": "*--"}


def _uml_mermaid(diagram: ClassDiagram, notes: list[str]) -> str:
    ids = _uml_ids(diagram)
    out = [f"---\ntitle: {diagram.project}: classes\n---", "classDiagram"]
    for c in diagram.classes:
        attrs, methods = _members(c)
        out.append(f"  class {ids[c.id]} {{")
        if c.kind == "interface":
            out.append("    <<interface>>")
        elif c.kind == "external":
            out.append("    <<external>>")
        out += [f"    +{_uml_type(a)}" for a in attrs]
        out += [f"    +{_uml_type(m)}" for m in methods if not m.startswith("...")]
        out.append("  }")
    for e in diagram.edges:
        label = f" : {e.label}" if e.label else ""
        if e.kind == "composes":
            out.append(f"  {ids[e.source]} *-- {ids[e.target]}{label}")
        else:
            out.append(f"  {ids[e.target]} {_UML_ARROWS[e.kind]} {ids[e.source]}")
    out += [f"  %% {n}" for n in notes]
    return "\n".join(out) + "\n"


def _uml_plantuml(diagram: ClassDiagram, notes: list[str]) -> str:
    ids = _uml_ids(diagram)
    out = ["@startuml", f"title {diagram.project}: classes", "hide empty members"]
    for c in diagram.classes:
        attrs, methods = _members(c)
        keyword = "interface" if c.kind == "interface" else "class"
        stereo = " <<external>>" if c.kind == "external" else ""
        out.append(f'{keyword} "{c.name}" as {ids[c.id]}{stereo} {{')
        out += [f"  +{a}" for a in attrs] + [f"  +{m}" for m in methods]
        out.append("}")
    for e in diagram.edges:
        label = f" : {e.label}" if e.label else ""
        if e.kind == "composes":
            out.append(f"{ids[e.source]} *-- {ids[e.target]}{label}")
        else:
            out.append(f"{ids[e.target]} {_UML_ARROWS[e.kind]} {ids[e.source]}")
    if notes:
        out.append("legend bottom\n" + "\n".join(notes) + "\nendlegend")
    out.append("@enduml")
    return "\n".join(out) + "\n"


def _uml_dot(diagram: ClassDiagram, notes: list[str]) -> str:
    ids = _uml_ids(diagram)
    d = Drawing(f"{diagram.project}: classes", [], [], notes, "BT")
    out = _dot_header(d)
    by_group: dict[str, list[ClassNode]] = defaultdict(list)
    for c in diagram.classes:
        by_group[_dotted(posixpath.splitext(c.path)[0]) if c.kind != "external" else ""].append(c)
    for gi, (group, members) in enumerate(sorted(by_group.items())):
        if group:
            out.append(
                f'  subgraph cluster_{gi} {{ label="{_dot_text(group)}"; style="rounded,'
                'filled"; fillcolor="#f7f8fa"; color="#c8cfd8"; fontsize=11;'
            )
        for c in members:
            if c.kind == "external":
                out.append(
                    f'  {ids[c.id]} [label="{_dot_text(c.name)}", shape=box, '
                    'style="rounded,dashed", color="#999999", fontcolor="#666666"];'
                )
                continue
            attrs, methods = _members(c)
            head = (
                "&laquo;interface&raquo;<br/>" if c.kind == "interface" else ""
            ) + f"<b>{_html(c.name)}</b>"
            rows = [f'<tr><td bgcolor="#d6e4f7">{head}</td></tr>']
            for block in (attrs, methods):
                if block:
                    body = "<br align='left'/>".join(_html(x) for x in block)
                    rows.append(
                        f"<tr><td align='left' balign='left'>{body}<br align='left'/></td></tr>"
                    )
            out.append(
                f"  {ids[c.id]} [shape=plain, label=<<table border='0' cellborder='1' "
                f"cellspacing='0' cellpadding='4' color='#4a6fa5' bgcolor='#ffffff'>"
                f"{''.join(rows)}</table>>];"
            )
        if group:
            out.append("  }")
    for e in diagram.edges:
        if e.kind == "composes":
            out.append(
                f"  {ids[e.source]} -> {ids[e.target]} [arrowtail=diamond, dir=back, "
                f'arrowhead=none, color="#7b5aa6", label="{_dot_text(e.label)}", '
                "fontsize=8, constraint=false];"
            )
        else:
            style = ", style=dashed" if e.kind == "implements" else ""
            out.append(
                f"  {ids[e.source]} -> {ids[e.target]} [arrowhead=empty, arrowsize=1"
                f'{style}, color="#34495e"];'
            )
    out.append("}")
    return "\n".join(out) + "\n"


def _cut_classes(diagram: ClassDiagram, limit: int) -> tuple[ClassDiagram, list[str]]:
    notes = list(diagram.notes)
    internal = [c for c in diagram.classes if c.kind != "external"]
    if len(internal) <= limit:
        return diagram, notes
    degree: dict[str, int] = defaultdict(int)
    for e in diagram.edges:
        degree[e.source] += 1
        degree[e.target] += 1
    keep = {c.id for c in sorted(internal, key=lambda c: (-degree[c.id], c.id))[:limit]}
    edges = [e for e in diagram.edges if e.source in keep]
    keep |= {e.target for e in edges if e.target.startswith("ext:")}
    edges = [e for e in edges if e.target in keep]
    notes.append(f"{len(internal) - limit} more classes not shown")
    classes = [c for c in diagram.classes if c.id in keep]
    return diagram.model_copy(update={"classes": classes, "edges": edges}), notes


# ---------------------------------------------------------------- entry points


def render_dot_svg(dot: str, timeout: float = DOT_TIMEOUT_S) -> str:
    """SVG from Graphviz ``dot`` (a subprocess with a timeout)."""
    binary = shutil.which("dot")
    if binary is None:
        raise ComponentUnavailable("Graphviz `dot` is not installed: apt-get install graphviz")
    try:
        done = subprocess.run(
            [binary, "-Tsvg"],
            input=dot,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DevLabError(
            f"Graphviz took longer than {timeout:.0f} s: narrow the diagram with scope or depth"
        ) from exc
    if done.returncode != 0:
        raise DevLabError(f"Graphviz failed: {done.stderr.strip()[:500]}")
    return done.stdout


def _files_in_scope(
    db: Database, project: str | int, scope: str | None
) -> list[tuple[int, str, str]]:
    """The snapshot's files under ``scope``; a scope that names nothing is an error
    (exit 2, naming the scope), never a silently empty diagram."""
    snapshot_id = require_snapshot(resolve_project(db, project))
    prefix = scope_prefix(scope)
    files = [f for f in _snapshot_files(db, snapshot_id) if in_scope(f[1], prefix)]
    if prefix and not files:
        raise NotFound(
            f"no file of the project's current snapshot is under scope {scope!r}: "
            "give a directory or file path relative to the project root",
            detail={"scope": scope},
        )
    return files


def _why_empty(what: str, files: list[tuple[int, str, str]], scope: str | None) -> str:
    """The note an empty diagram carries: what was looked at, and what it holds."""
    languages = sorted({language for _, _, language in files if language})
    where = f" under {scope!r}" if scope else ""
    return (
        f"empty diagram: no {what} found in the {len(files)} files{where} "
        f"(languages: {', '.join(languages) or 'none'}); classes and calls are read from "
        "Python, JavaScript, TypeScript, Java, Go and Bash sources"
    )


def render_diagram(
    db: Database,
    project: str | int,
    diagram_type: str,
    fmt: str = "mermaid",
    *,
    scope: str | None = None,
    depth: int | None = None,
    max_nodes: int | None = None,
) -> str:
    """The ``diagram_type`` (uml | dependency | architecture | call) diagram of the
    project as ``fmt`` (mermaid | plantuml | svg) text."""
    if diagram_type not in DIAGRAM_TYPES:
        raise UnknownDiagramType(
            f"unknown diagram type {diagram_type!r}: use one of {', '.join(DIAGRAM_TYPES)}",
            detail={"valid": list(DIAGRAM_TYPES)},
        )
    if fmt not in FORMATS:
        raise InvalidInput(
            f"unknown diagram format {fmt!r}: use one of {', '.join(FORMATS)}",
            detail={"valid": list(FORMATS)},
        )
    limit = max_nodes or DEFAULT_MAX_NODES[diagram_type]
    if limit < 1:
        raise InvalidInput("max_nodes must be 1 or more")
    files = _files_in_scope(db, project, scope)
    if diagram_type == "uml":
        diagram, notes = _cut_classes(class_diagram(db, project, scope=scope), limit)
        if not diagram.classes:
            notes.append(_why_empty("classes or interfaces", files, scope))
        if fmt == "mermaid":
            return _uml_mermaid(diagram, notes)
        if fmt == "plantuml":
            return _uml_plantuml(diagram, notes)
        dot = _uml_dot(diagram, notes)
        return dot if fmt == "dot" else render_dot_svg(dot)
    if diagram_type == "dependency":
        drawing = _dependency(db, project, scope, depth, limit)
    elif diagram_type == "architecture":
        drawing = _architecture(db, project, scope, depth, limit)
    else:
        drawing = _call(db, project, scope, limit)
    if not drawing.nodes:
        what = "calls between known functions" if diagram_type == "call" else "modules"
        drawing.notes.append(_why_empty(what, files, scope))
    if fmt == "mermaid":
        return _to_mermaid(drawing)
    if fmt == "plantuml":
        return _to_plantuml(drawing)
    dot = _to_dot(drawing)
    return dot if fmt == "dot" else render_dot_svg(dot)
