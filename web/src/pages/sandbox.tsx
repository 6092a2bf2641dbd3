// The sandbox: a multi-file editor, runs streamed over the WebSocket (live output,
// stdin while running), limits, test mode, version history (list, diff, restore) and
// Companion actions on the selection with the diff shown inline, applied and undone.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, socketUrl, SOCKETS } from "../api";
import { CodeEditor, type EditorHandle } from "../editor";
import { DiffView, ErrorNote, Panel, fmtTime, useAction, useStored } from "../ui";
import { RoleNote, useCan } from "../auth";

const FALLBACK_LANGUAGES = ["python", "javascript", "typescript", "bash", "sql", "go", "java"];
const STARTERS: Record<string, [string, string]> = {
  python: ["main.py", 'name = input() if False else "world"\nprint(f"hello {name}")\n'],
  javascript: ["main.js", 'console.log("hello world");\n'],
  typescript: ["main.ts", 'const greet = (n: string): string => `hello ${n}`;\nconsole.log(greet("world"));\n'],
  bash: ["main.sh", 'echo "hello world"\n'],
  sql: ["main.sql", "select 'hello world';\n"],
  go: ["main.go", 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello world")\n}\n'],
  java: ["Main.java", 'public class Main {\n    public static void main(String[] a) {\n        System.out.println("hello world");\n    }\n}\n'],
};

interface Chunk {
  stream: "stdout" | "stderr" | "info";
  text: string;
}
interface TestRow {
  name: string;
  outcome: string;
  message: string;
}
interface Suggestion {
  action: string;
  text?: string;
  diff?: string;
  code?: string;
  from: number;
  to: number;
  file: string;
}

export function SandboxPage({ dark }: { dark: boolean }) {
  const can = useCan();
  const runWhy = can("ws:execute");
  const [snippet, setSnippet] = useStored("devlab.sandbox.snippet", "scratch");
  const [language, setLanguage] = useStored("devlab.sandbox.language", "python");
  const [files, setFiles] = useStored<Record<string, string>>("devlab.sandbox.files", { "main.py": STARTERS.python[1] });
  const [active, setActive] = useStored("devlab.sandbox.active", "main.py");
  const [stdin, setStdin] = useStored("devlab.sandbox.stdin", "");
  const [mode, setMode] = useStored<"run" | "test">("devlab.sandbox.mode", "run");
  const [wall, setWall] = useStored("devlab.sandbox.wall", 10);
  const [memory, setMemory] = useStored("devlab.sandbox.memory", 256);
  const [languages, setLanguages] = useState<string[]>(FALLBACK_LANGUAGES);
  const [output, setOutput] = useState<Chunk[]>([]);
  const [result, setResult] = useState<any>(null);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState("");
  const [liveInput, setLiveInput] = useState("");
  const [newFile, setNewFile] = useState("");
  const socket = useRef<WebSocket | null>(null);
  const editor = useRef<EditorHandle | null>(null);
  const [historyTick, setHistoryTick] = useState(0);
  const [reloads, setReloads] = useState(0); // bumped when the files change from outside the editor

  useEffect(() => {
    api<{ languages: string[] }>("languages").then((r) => setLanguages(r.languages)).catch(() => undefined);
  }, []);
  const paths = Object.keys(files);
  const current = files[active] !== undefined ? active : paths[0];

  const switchLanguage = (lang: string) => {
    setLanguage(lang);
    const untouched = paths.length === 1 && Object.values(STARTERS).some(([, body]) => body === files[paths[0]]);
    if (untouched && STARTERS[lang]) {
      const [name, body] = STARTERS[lang];
      setFiles({ [name]: body });
      setActive(name);
      setReloads((n) => n + 1);
    }
  };

  const run = async () => {
    if (running) return;
    setOutput([]);
    setResult(null);
    setRunError("");
    // Test mode runs the test file (test_*.py, *.test.js, *Test.java, ...) when there is one.
    const testFile = paths.find((p) => /(^|\/)test_|_test\.|\.test\.|Test\.java$/.test(p));
    const entry = mode === "test" && testFile ? testFile : current;
    try {
      await api("versionSave", { params: { name: snippet }, body: { language, files, entry, note: mode } });
      setHistoryTick((t) => t + 1);
    } catch (e) {
      setRunError(`Not saved to history: ${(e as Error).message}`);
    }
    const request: any = { language, stdin: "", mode, limits: { wall_seconds: Number(wall), memory_mb: Number(memory) } };
    if (paths.length === 1) request.code = files[paths[0]];
    else Object.assign(request, { files, entry });
    const ws = new WebSocket(socketUrl(SOCKETS.execute));
    socket.current = ws;
    setRunning(true);
    let finished = false;
    ws.onopen = () => {
      ws.send(JSON.stringify(request));
      if (stdin) ws.send(JSON.stringify({ stdin }));
      ws.send(JSON.stringify({ eof: !liveInputWanted() }));
    };
    ws.onmessage = (ev) => {
      const frame = JSON.parse(ev.data);
      if (frame.type === "stdout" || frame.type === "stderr") setOutput((o) => [...o, { stream: frame.type, text: frame.data }]);
      else if (frame.type === "result") {
        finished = true;
        setResult(frame.result);
      } else if (frame.type === "error") {
        finished = true;
        setRunError(frame.error + (frame.retry_after ? ` (try again in ${frame.retry_after} s)` : ""));
      }
    };
    ws.onclose = () => {
      setRunning(false);
      socket.current = null;
      if (!finished) setRunError("The connection to the server was lost before the run finished; the run was stopped. Run again when the server is back.");
    };
  };
  // Keep stdin open while running only when the user asked for interactive input.
  const [interactive, setInteractive] = useStored("devlab.sandbox.interactive", false);
  const liveInputWanted = () => interactive;
  const sendLive = () => {
    socket.current?.send(JSON.stringify({ stdin: liveInput + "\n" }));
    setOutput((o) => [...o, { stream: "info", text: liveInput + "\n" }]);
    setLiveInput("");
  };
  const stop = () => socket.current?.close();

  const addFile = () => {
    const name = newFile.trim();
    if (!name || files[name] !== undefined) return;
    setFiles({ ...files, [name]: "" });
    setActive(name);
    setNewFile("");
  };
  const closeFile = (path: string) => {
    if (paths.length === 1) return;
    const next = { ...files };
    delete next[path];
    setFiles(next);
    if (active === path) setActive(Object.keys(next)[0]);
  };

  return (
    <div class="grid-2">
      <div class="stack">
        <Panel
          title="Editor"
          actions={
            <>
              <label>
                Language{" "}
                <select value={language} onChange={(e) => switchLanguage((e.target as HTMLSelectElement).value)}>
                  {languages.map((l) => (
                    <option key={l}>{l}</option>
                  ))}
                </select>
              </label>
              <label>
                Snippet <input value={snippet} size={10} onInput={(e) => setSnippet((e.target as HTMLInputElement).value)} />
              </label>
            </>
          }
        >
          <div class="tabs" role="group" aria-label="Files">
            {paths.map((p) => (
              <span key={p} class="tab-wrap">
                {/* a pressed button per file: a tablist may hold only tabs */}
                <button class="file-tab" aria-pressed={p === current} onClick={() => setActive(p)}>
                  {p}
                </button>
                {paths.length > 1 && (
                  <button class="close" aria-label={`Close ${p}`} onClick={() => closeFile(p)}>
                    ×
                  </button>
                )}
              </span>
            ))}
            <form
              class="inline"
              onSubmit={(e) => {
                e.preventDefault();
                addFile();
              }}
            >
              <input aria-label="New file name" placeholder="new file" size={9} value={newFile} onInput={(e) => setNewFile((e.target as HTMLInputElement).value)} />
              <button type="submit">Add</button>
            </form>
          </div>
          <CodeEditor
            value={files[current] ?? ""}
            docId={`${current}#${reloads}`}
            language={language}
            dark={dark}
            label={`Code of ${current}`}
            onChange={(text) => setFiles({ ...files, [current]: text })}
            onRun={run}
            onReady={(h) => (editor.current = h)}
          />
          <div class="row">
            <button class="primary" onClick={run} disabled={running || !!runWhy} aria-keyshortcuts="Control+Enter" aria-describedby={runWhy ? "run-why" : undefined}>
              {running ? "Running…" : mode === "test" ? "Run tests" : "Run"}
            </button>
            <button onClick={stop} disabled={!running}>
              Stop
            </button>
            <RoleNote why={runWhy} id="run-why" />
            <label>
              Mode{" "}
              <select value={mode} onChange={(e) => setMode((e.target as HTMLSelectElement).value as "run" | "test")}>
                <option value="run">run</option>
                <option value="test">test</option>
              </select>
            </label>
            <label>
              Wall s <input type="number" min={1} max={600} value={wall} style="width:5em" onInput={(e) => setWall(Number((e.target as HTMLInputElement).value))} />
            </label>
            <label>
              Memory MB <input type="number" min={16} max={8192} value={memory} style="width:6em" onInput={(e) => setMemory(Number((e.target as HTMLInputElement).value))} />
            </label>
          </div>
          <label class="block">
            Standard input
            <textarea rows={2} value={stdin} onInput={(e) => setStdin((e.target as HTMLTextAreaElement).value)} />
          </label>
          <label>
            <input type="checkbox" checked={interactive} onChange={(e) => setInteractive((e.target as HTMLInputElement).checked)} /> keep input open while running
          </label>
        </Panel>
        <SelectionActions editor={editor} file={current} language={language} lastError={result?.stderr ?? ""} onApply={(from, to, code) => editor.current?.replace(from, to, code)} />
      </div>
      <div class="stack">
        <Panel title="Output">
          <ErrorNote error={runError} id="run-error" />
          <pre class="output" role="log" aria-live="polite" aria-label="Program output" tabIndex={0}>
            {output.map((c, i) => (
              <span key={i} class={c.stream}>
                {c.text}
              </span>
            ))}
          </pre>
          {running && interactive && (
            <form
              class="row"
              onSubmit={(e) => {
                e.preventDefault();
                sendLive();
              }}
            >
              <input aria-label="Input to the running program" value={liveInput} onInput={(e) => setLiveInput((e.target as HTMLInputElement).value)} />
              <button type="submit">Send</button>
              <button type="button" onClick={() => socket.current?.send(JSON.stringify({ eof: true }))}>
                End input
              </button>
            </form>
          )}
          {result && <ResultView result={result} />}
        </Panel>
        {can("versions") ? (
          <Panel title="Version history">
            <RoleNote why={can("versions")} />
          </Panel>
        ) : (
          <HistoryPanel
          snippet={snippet}
          tick={historyTick}
          onRestore={(v) => {
            setReloads((n) => n + 1);
            setLanguage(v.language);
            setFiles(v.files);
            setActive(v.entry && v.files[v.entry] !== undefined ? v.entry : Object.keys(v.files)[0]);
          }}
        />
        )}
      </div>
    </div>
  );
}

function ResultView({ result }: { result: any }) {
  const tests: TestRow[] = result.tests ?? [];
  return (
    <div class="result">
      <p>
        <strong class={`status s-${result.status}`}>{result.status}</strong> · exit {String(result.exit_code)} · {Math.round(result.wall_ms)} ms wall · {Math.round(result.cpu_ms)} ms CPU
        {result.peak_memory_kb ? ` · ${Math.round(result.peak_memory_kb / 1024)} MB` : ""} · {result.toolchain}
      </p>
      {tests.length > 0 && (
        <table>
          <caption>
            Tests: {tests.filter((t) => t.outcome === "passed").length}/{tests.length} passed
          </caption>
          <thead>
            <tr>
              <th scope="col">Test</th>
              <th scope="col">Outcome</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {tests.map((t) => (
              <tr key={t.name}>
                <td>{t.name}</td>
                <td class={`o-${t.outcome}`}>{t.outcome}</td>
                <td>
                  <code>{t.message}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function HistoryPanel({ snippet, tick, onRestore }: { snippet: string; tick: number; onRestore: (v: any) => void }) {
  const [versions, setVersions] = useState<any[]>([]);
  const [a, setA] = useState(0);
  const [b, setB] = useState(0);
  const [diff, setDiff] = useState("");
  const list = useAction();
  const act = useAction();
  useEffect(() => {
    list.run(async () => {
      try {
        const vs = await api<any[]>("versions", { params: { name: snippet } });
        setVersions(vs);
        if (vs.length) {
          setB(vs[0].version);
          setA(vs[Math.min(1, vs.length - 1)].version);
        }
      } catch (e) {
        setVersions([]);
        if (!/no snippet named/.test((e as Error).message)) throw e;
      }
    });
  }, [snippet, tick]);
  const showDiff = () => act.run(async () => setDiff((await api("versionDiff", { params: { name: snippet }, query: { a, b } })).diff));
  const restore = (version: number) =>
    act.run(async () => {
      const v = await api("versionRestore", { params: { name: snippet, version } });
      onRestore(v);
      setVersions(await api<any[]>("versions", { params: { name: snippet } }));
    });
  return (
    <Panel title={`History of “${snippet}”`}>
      <ErrorNote error={list.error} />
      {versions.length === 0 ? (
        <p class="muted">Every run saves a version here.</p>
      ) : (
        <>
          <ul class="plain versions">
            {versions.map((v) => (
              <li key={v.version}>
                v{v.version} · {v.language} · {v.note || "run"} · {fmtTime(v.created_at)}{" "}
                <button onClick={() => restore(v.version)} aria-label={`Restore version ${v.version}`}>
                  Restore
                </button>
              </li>
            ))}
          </ul>
          <div class="row">
            <label>
              From{" "}
              <select value={a} onChange={(e) => setA(Number((e.target as HTMLSelectElement).value))}>
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </label>
            <label>
              to{" "}
              <select value={b} onChange={(e) => setB(Number((e.target as HTMLSelectElement).value))}>
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </label>
            <button onClick={showDiff}>Diff</button>
          </div>
          <ErrorNote error={act.error} />
          {diff && <DiffView diff={diff} label="Diff between versions" />}
        </>
      )}
    </Panel>
  );
}

function SelectionActions({
  editor,
  file,
  language,
  lastError,
  onApply,
}: {
  editor: { current: EditorHandle | null };
  file: string;
  language: string;
  lastError: string;
  onApply: (from: number, to: number, code: string) => void;
}) {
  const { busy, error, run } = useAction();
  const can = useCan();
  const [answer, setAnswer] = useState<Suggestion | null>(null);
  const [undo, setUndo] = useState<{ from: number; to: number; text: string } | null>(null);
  const ask = (action: "explain" | "suggest" | "refactor" | "fix") =>
    run(async () => {
      const sel = editor.current!.selection();
      const body: any = { code: sel.text, language, path: file };
      setAnswer(null);
      if (action === "explain" || action === "suggest") {
        const r = await api(action, { body: action === "suggest" ? { ...body, kind: "refactor" } : body });
        setAnswer({ action, text: r.text, from: sel.from, to: sel.to, file });
      } else {
        if (action === "fix") body.error = lastError || "the code does not work as intended";
        const r = await api(action, { body });
        setAnswer({ action, text: r.explanation, diff: r.diff, code: r.code, from: sel.from, to: sel.to, file });
      }
    });
  const apply = () => {
    if (!answer?.code || !editor.current) return;
    const doc = editor.current.view.state.doc;
    setUndo({ from: answer.from, to: answer.from + answer.code.length, text: doc.sliceString(answer.from, answer.to) });
    onApply(answer.from, answer.to, answer.code);
    setAnswer(null);
  };
  return (
    <Panel title="Companion on the selection">
      <p class="muted">Select code in the editor (or nothing, for the whole file), then:</p>
      <div class="row">
        {(["explain", "suggest", "refactor", "fix"] as const).map((a) => (
          <button key={a} onClick={() => ask(a)} disabled={busy || !!can(a)} title={can(a) || undefined}>
            {a[0].toUpperCase() + a.slice(1)}
          </button>
        ))}
        {undo && (
          <button
            onClick={() => {
              onApply(undo.from, undo.to, undo.text);
              setUndo(null);
            }}
          >
            Undo apply
          </button>
        )}
      </div>
      {busy && <p class="muted">Asking the model…</p>}
      <ErrorNote error={error} />
      {answer && (
        <div class="answer" aria-live="polite">
          {answer.text && <p class="prose">{answer.text}</p>}
          {answer.diff !== undefined && (
            <>
              <DiffView diff={answer.diff} label="Proposed change" />
              <button class="primary" onClick={apply}>
                Apply
              </button>
            </>
          )}
        </div>
      )}
    </Panel>
  );
}
