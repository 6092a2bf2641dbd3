"""CLI door for search: ``devlab ingest`` (snapshot and index), ``search``, ``map``,
``symbols``, ``def``, ``refs``, ..."""

from __future__ import annotations

import typer

from devlab.clitools import bench, emit_json, handle_errors, progress_bar, stderr, stdout
from devlab.codebase import IngestRequest
from devlab.errors import DevLabError
from devlab.search.models import SearchMode, SearchRequest, SearchResult

app = typer.Typer(no_args_is_help=True)
# ``devlab ingest`` (a root command, mounted apart so `devlab search` does not load it)
ingest_app = typer.Typer(no_args_is_help=True)

PROJECT = typer.Option(..., "--project", "-p", help="project name or id")
JSON = typer.Option(False, "--json", help="print JSON on stdout")


@app.command()
@handle_errors
def search(
    query: str = typer.Argument(..., help="words, an identifier, or a description of the code"),
    project: str = PROJECT,
    limit: int = typer.Option(10, "--limit", "-k", min=1, max=200, help="number of results"),
    mode: SearchMode = typer.Option("hybrid", "--mode", help="hybrid, lexical or semantic"),
    language: str = typer.Option(None, "--language", help="only this language, e.g. python"),
    path: str = typer.Option(None, "--path", help="only paths matching this glob"),
    kind: str = typer.Option(None, "--kind", help="only module, class, function, method or text"),
    as_json: bool = JSON,
) -> None:
    """Search a project's code (latest complete snapshot)."""
    req = SearchRequest(
        project=project,
        query=query,
        limit=limit,
        mode=mode,
        language=language,
        path=path,
        kind=kind,
    )
    results = _search_on_server(req)
    if results is None:
        # imported here: the embedding runtime is not needed by def/refs/callers
        from devlab.search.retrieval import search as run_search

        with bench() as wb:
            results = run_search(wb.db, wb.settings, req)
    if as_json:
        emit_json([r.model_dump(mode="json") for r in results])
        return
    if not results:
        stderr.print("no results")
    if results and results[0].semantic_coverage is not None:
        rest = "; the rest by the static first tier's" if results[0].semantic_tier else ""
        stderr.print(
            f"semantic vectors cover {results[0].semantic_coverage:.0%} of this project "
            f"so far{rest} (the most important code first; the fill goes on in the "
            "ingestion job)",
            markup=False,
        )
    for i, r in enumerate(results, 1):
        ranks = f"lexical #{r.lexical_rank or '-'}, semantic #{r.semantic_rank or '-'}"
        stdout.print(
            f"[bold]{i}. {r.path}:{r.start_line}-{r.end_line}[/bold] {r.symbol or ''} "
            f"[dim]({r.kind}, {r.language}, score {r.score:.4f}, {ranks})[/dim]"
        )
        stdout.print(r.snippet, highlight=False, markup=False)
        stdout.print()


def _search_on_server(req: SearchRequest) -> list[SearchResult] | None:
    """The running server's answer (its embedding model is warm), or None to answer here."""
    from devlab.clitools import settings
    from devlab.search.remote import remote_call, running_server

    url = running_server(settings().home)
    if url is None:
        return None
    data = remote_call(url, "POST", "/api/v1/devlab/search", req.model_dump(mode="json"))
    if not isinstance(data, list):
        return None
    stderr.print(f"answered by the server at {url}", markup=False, highlight=False)
    return [SearchResult.model_validate(item) for item in data]


@app.command("map")
@handle_errors
def map_(
    project: str = PROJECT,
    tokens: int = typer.Option(1024, "--tokens", help="token budget for the outline"),
    as_json: bool = JSON,
) -> None:
    """Print the repo map: the most referenced files and symbols within a token budget."""
    with bench() as wb:
        from devlab.search.repomap import repo_map

        result = repo_map(wb.db, project, tokens)
    if as_json:
        emit_json(result)
    else:
        stdout.print(result.text, highlight=False, markup=False, end="")


@app.command()
@handle_errors
def symbols(
    pattern: str = typer.Argument(None, help="glob (* ?) or substring of the qualified name"),
    project: str = PROJECT,
    kind: str = typer.Option(None, "--kind", help="class, function, method or module"),
    limit: int = typer.Option(200, "--limit", min=1),
    as_json: bool = JSON,
) -> None:
    """List symbols (best-ranked first), optionally filtered by a name pattern."""
    with bench() as wb:
        from devlab.search.navigation import find_symbols

        items = find_symbols(wb.db, project, pattern, kind=kind, limit=limit)
    if as_json:
        emit_json([s.model_dump(mode="json") for s in items])
        return
    if not items:
        what = f" match {pattern!r}" if pattern else ""
        kinds = f" of kind {kind!r}" if kind else ""
        stderr.print(f"no symbols{kinds}{what} in project {project!r}", markup=False)
        raise typer.Exit(1)
    for s in items:
        stdout.print(
            f"{s.path}:{s.start_line}\t{s.kind}\t{s.qualname}\t{s.signature}",
            highlight=False,
            markup=False,
        )


def _nav(which: str, name: str, project: str, as_json: bool) -> None:
    """Run navigation function ``which`` (imported here: only the command that asks
    for it pays for the store's import)."""
    from devlab.search import navigation

    with bench() as wb:
        items = getattr(navigation, which)(wb.db, project, name)
    if as_json:
        emit_json([i.model_dump(mode="json") for i in items])
        return
    if not items:
        stderr.print(f"nothing found for {name!r}", markup=False)
        raise typer.Exit(1)  # like grep: no match is exit 1, an error is exit 2
    for i in items:
        if hasattr(i, "signature"):  # a definition: where, its qualified name, signature
            line = f"{i.path}:{i.start_line}\t{i.qualname}\t{i.signature}"
        else:  # a reference: where, the name called/used, and from which scope
            line = f"{i.path}:{i.line}\t{i.name}\t{i.kind} in {i.scope or '<module>'}"
        stdout.print(line, highlight=False, markup=False)


@app.command("def")
@handle_errors
def def_(
    name: str = typer.Argument(..., help="symbol name, e.g. Client.get"),
    project: str = PROJECT,
    as_json: bool = JSON,
) -> None:
    """Where a symbol is defined."""
    _nav("definitions", name, project, as_json)


@app.command()
@handle_errors
def refs(
    name: str = typer.Argument(..., help="symbol name"),
    project: str = PROJECT,
    as_json: bool = JSON,
) -> None:
    """Every reference to a name."""
    _nav("references", name, project, as_json)


@app.command("callers")
@handle_errors
def callers_(
    name: str = typer.Argument(..., help="symbol name"),
    project: str = PROJECT,
    as_json: bool = JSON,
) -> None:
    """Call sites of a function or method."""
    _nav("callers", name, project, as_json)


@app.command("callees")
@handle_errors
def callees_(
    name: str = typer.Argument(..., help="symbol name"),
    project: str = PROJECT,
    as_json: bool = JSON,
) -> None:
    """Calls made inside a function or method."""
    _nav("callees", name, project, as_json)


@ingest_app.command()
@handle_errors
def ingest(
    source: str = typer.Argument(
        ..., help="a directory, a .zip file, a local git repo or a git URL"
    ),
    name: str = typer.Option(..., "--name", "-n", help="project name (letters, digits, . _ -)"),
    ref: str = typer.Option(None, "--ref", help="git commit, branch or tag to ingest"),
    no_embed: bool = typer.Option(
        False, "--no-embed", help="skip embeddings (lexical search only)"
    ),
    own_code: bool = typer.Option(
        None,
        "--own-code/--not-own-code",
        help="whether this is your team's own code (datasets then keep its files whatever "
        "their licence); default: decided once from the source (a local directory or "
        "private git remote: yes; a package from a registry or a public forge: no)",
    ),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON on stdout"),
) -> None:
    """Ingest and index a codebase as a new snapshot of project NAME (incremental)."""
    from devlab.search.ingest import run_ingest  # not on `devlab search`'s path

    with bench() as wb, progress_bar(enabled=True) as progress:
        job = run_ingest(
            wb,
            IngestRequest(name=name, source=source, ref=ref, own_code=own_code),
            progress=progress,
            embed=not no_embed,
        )
    if job.status != "succeeded":
        raise DevLabError(f"ingestion {job.status}: {job.error}")
    result = job.result or {}
    if as_json:
        emit_json({"job_id": job.id, **result})
        return
    if result.get("message"):
        stderr.print(f"[yellow]{result['message']}[/yellow]")
    stdout.print(
        f"[bold]{name}[/bold]: snapshot {result['snapshot_id']} - {result['files']} files "
        f"({result['parsed']} parsed, {result['reused']} unchanged, {result['removed']} removed, "
        f"{result['skipped']} skipped), {result['lines']} lines, {result['symbols']} symbols, "
        f"{result['chunks']} chunks, {result['secrets']} secrets redacted, "
        f"{result['parse_errors']} parse errors"
    )
    if "own_code" in result:
        own = result["own_code"]
        keeps = "its files whatever their licence" if own else "only allow-listed licences"
        stderr.print(
            f"own code: {'yes' if own else 'no'} ({result['own_code_reason']}): datasets keep "
            f"{keeps}; change with --{'not-' if own else ''}own-code",
            markup=False,
        )
