// Search: hybrid / lexical / semantic retrieval over the project, and navigation by
// symbol (definitions, references, callers, callees) with the lines opened in place.
import { useState } from "preact/hooks";
import { api } from "../api";
import { CodeLines, ErrorNote, NeedProject, Panel, useAction, useProject, useStored } from "../ui";

type NavKind = "definitions" | "references" | "callers" | "callees";

export function SearchPage() {
  const { project } = useProject();
  const [query, setQuery] = useStored("devlab.search.query", "");
  const [mode, setMode] = useStored("devlab.search.mode", "hybrid");
  const [results, setResults] = useState<any[] | null>(null);
  const [symbol, setSymbol] = useStored("devlab.search.symbol", "");
  const [nav, setNav] = useState<{ kind: NavKind; items: any[] } | null>(null);
  const [opened, setOpened] = useState<{ path: string; start: number; end: number; text: string } | null>(null);
  const find = useAction();
  const navigate = useAction();
  const open = useAction();

  const search = () =>
    find.run(async () => {
      if (!query.trim()) throw new Error("type what to search for");
      setResults(await api("search", { body: { project, query, mode, limit: 20 } }));
    });
  const go = (kind: NavKind, name = symbol) =>
    navigate.run(async () => {
      if (!name.trim()) throw new Error("type a symbol name");
      setSymbol(name);
      setNav({ kind, items: await api(kind, { params: { project }, query: { name } }) });
    });
  const show = (path: string, start: number, end: number) =>
    open.run(async () => {
      const f = await api("projectFile", { params: { project }, query: { path } });
      setOpened({ path, start, end, text: f.text });
    });

  return (
    <NeedProject>
      <div class="grid-2">
        <div class="stack">
          <Panel title="Search the code">
            <form
              class="row"
              role="search"
              onSubmit={(e) => {
                e.preventDefault();
                search();
              }}
            >
              <label class="grow">
                Query <input value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
              </label>
              <label>
                Mode{" "}
                <select value={mode} onChange={(e) => setMode((e.target as HTMLSelectElement).value)}>
                  <option value="hybrid">hybrid</option>
                  <option value="lexical">keywords only</option>
                  <option value="semantic">meaning only</option>
                </select>
              </label>
              <button class="primary" type="submit" disabled={find.busy}>
                Search
              </button>
            </form>
            <ErrorNote error={find.error} id="search-error" />
            {results && results.length === 0 && <p class="muted">No matches.</p>}
            <ol class="results">
              {(results ?? []).map((r, i) => (
                <li key={i}>
                  <button class="link" onClick={() => show(r.path, r.start_line, r.end_line)}>
                    {r.path}:{r.start_line}-{r.end_line}
                  </button>{" "}
                  {r.symbol && (
                    <button class="chip" onClick={() => go("references", r.symbol.split(".").pop())} aria-label={`References of ${r.symbol}`}>
                      {r.symbol}
                    </button>
                  )}
                  <span class="muted small"> {r.kind} · {r.score.toFixed(3)}</span>
                  <pre class="snippet" tabIndex={0}>{r.snippet}</pre>
                </li>
              ))}
            </ol>
          </Panel>
        </div>
        <div class="stack">
          <Panel title="Navigate">
            <form
              class="row"
              onSubmit={(e) => {
                e.preventDefault();
                go("definitions");
              }}
            >
              <label class="grow">
                Symbol <input value={symbol} onInput={(e) => setSymbol((e.target as HTMLInputElement).value)} />
              </label>
              <button type="submit">Definition</button>
              <button type="button" onClick={() => go("references")}>
                References
              </button>
              <button type="button" onClick={() => go("callers")}>
                Callers
              </button>
              <button type="button" onClick={() => go("callees")}>
                Callees
              </button>
            </form>
            <ErrorNote error={navigate.error} id="nav-error" />
            {nav && (
              <div>
                <h3>
                  {nav.kind} of {symbol}: {nav.items.length}
                </h3>
                <ul class="plain">
                  {nav.items.map((it, i) => {
                    const line = it.start_line ?? it.line;
                    return (
                      <li key={i}>
                        <button class="link" onClick={() => show(it.path, line, it.end_line ?? line)}>
                          {it.path}:{line}
                        </button>{" "}
                        <code>{it.signature || it.qualname || it.name}</code>
                        {it.scope && <span class="muted small"> in {it.scope}</span>}
                        {it.scope && nav.kind !== "definitions" && (
                          <button class="chip" onClick={() => go("callers", it.scope.split(".").pop())}>
                            callers of {it.scope.split(".").pop()}
                          </button>
                        )}
                      </li>
                    );
                  })}
                </ul>
              </div>
            )}
          </Panel>
          <ErrorNote error={open.error} />
          {opened && (
            <Panel title={`${opened.path}:${opened.start}`}>
              <CodeLines text={opened.text} start={opened.start} end={opened.end} />
            </Panel>
          )}
        </div>
      </div>
    </NeedProject>
  );
}
