// Small shared pieces every page uses: errors next to controls, busy state, stored
// state, progress, a diff view and a code view.
import type { ComponentChildren } from "preact";
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useState } from "preact/hooks";

/** State kept in localStorage, so nothing typed is lost on an error or a reload. */
export function useStored<T>(key: string, initial: T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? initial : (JSON.parse(raw) as T);
    } catch {
      return initial;
    }
  });
  const set = useCallback(
    (v: T) => {
      setValue(v);
      try {
        localStorage.setItem(key, JSON.stringify(v));
      } catch {
        /* quota: keep it in memory */
      }
    },
    [key],
  );
  return [value, set];
}

/** Run async work with a busy flag and the error message of its last failure. */
export function useAction(): {
  busy: boolean;
  error: string;
  run: <T>(work: () => Promise<T>) => Promise<T | undefined>;
  setError: (e: string) => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const run = useCallback(async <T,>(work: () => Promise<T>) => {
    setBusy(true);
    setError("");
    try {
      return await work();
    } catch (err) {
      setError((err as Error).message || String(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}

export function ErrorNote({ error, id }: { error: string; id?: string }) {
  if (!error) return null;
  return (
    <p class="error" role="alert" id={id}>
      {error}
    </p>
  );
}

export function Progress({ done, total, message }: { done: number; total: number; message?: string }) {
  const pct = total > 0 ? Math.round((100 * done) / total) : 0;
  return (
    <div class="progress-wrap">
      <progress max={total || 1} value={total ? done : undefined} aria-label="progress">
        {pct}%
      </progress>
      <span class="muted">
        {total ? `${done}/${total}` : ""} {message}
      </span>
    </div>
  );
}

export function Panel({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="panel" aria-label={title}>
      <header class="panel-head">
        <h2>{title}</h2>
        <div class="actions">{actions}</div>
      </header>
      {children}
    </section>
  );
}

/** A unified diff, line by line, coloured by kind. */
export function DiffView({ diff, label }: { diff: string; label?: string }) {
  if (!diff.trim()) return <p class="muted">No changes.</p>;
  return (
    <pre class="diff" role="region" aria-label={label ?? "diff"} tabIndex={0}>
      {diff.split("\n").map((line, i) => {
        const cls = line.startsWith("+++") || line.startsWith("---") ? "d-file" : line.startsWith("+") ? "d-add" : line.startsWith("-") ? "d-del" : line.startsWith("@@") ? "d-hunk" : "";
        return (
          <span key={i} class={`line ${cls}`}>
            {line || " "}
          </span>
        );
      })}
    </pre>
  );
}

/** Lines of a file with a range highlighted (citations, findings, search hits). */
export function CodeLines({ text, start, end, marks }: { text: string; start: number; end: number; marks?: Record<number, string> }) {
  const lines = text.split("\n");
  const from = Math.max(1, start - 4);
  const to = Math.min(lines.length, end + 4);
  const rows = [];
  for (let n = from; n <= to; n++) {
    const hit = n >= start && n <= end;
    rows.push(
      <span key={n} class={hit ? "line hl" : "line"} data-line={n}>
        <span class="ln" aria-hidden="true">
          {String(n).padStart(4, " ")}{" "}
        </span>
        {lines[n - 1]}
        {marks?.[n] ? <em class="mark"> ← {marks[n]}</em> : null}
      </span>,
    );
  }
  return (
    <pre class="code" role="region" tabIndex={0} aria-label={`lines ${start} to ${end}`}>
      {rows}
    </pre>
  );
}

// The current project (shared layout's switcher) for every page.
export const ProjectContext = createContext<{ project: string; projects: { name: string }[]; reload: () => void }>({
  project: "",
  projects: [],
  reload: () => undefined,
});
export const useProject = () => useContext(ProjectContext);

export function NeedProject({ children }: { children: ComponentChildren }) {
  const { project } = useProject();
  if (!project)
    return (
      <p class="notice">
        No project yet: ingest one on the <a href="/devlab/reverse">Reverse engineering</a> page (upload a ZIP or give a git URL), then pick it in the project switcher.
      </p>
    );
  return <>{children}</>;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string; reload: () => void; loading: boolean } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load()
      .then((d) => live && (setData(d), setError("")))
      .catch((e) => live && setError((e as Error).message))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1) };
}

export const fmtTime = (iso: string | null | undefined): string => (iso ? new Date(iso.endsWith("Z") || iso.includes("+") ? iso : iso + "Z").toLocaleString() : "");
