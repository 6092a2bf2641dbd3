// Testing Console (the Testing & QA Lab's routes under /api/v1/devlab/testing): the
// project's coverage per file and function with the uncovered lines highlighted on the
// code, verified test generation for a function (each kept test's three sandbox runs,
// the final proof run and the diff), mutation scores with the surviving mutants, and
// the stored history, and chaos scenarios (the service under faults: steady state and
// latency per phase, the verdict, the first failure, resilience findings). Long work
// runs as jobs followed over SSE with progress.
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, followJob } from "../api";
import { DiffView, ErrorNote, NeedProject, Panel, Progress, fmtTime, useAction, useLoad, useProject, useStored } from "../ui";
import { RoleNote, useCan } from "../auth";

type Summary = { lines: number; lines_covered: number; branches: number; branches_covered: number; line_percent: number; branch_percent: number };
type FnCov = { name: string; start_line: number; summary: Summary; missing_lines: number[] };
type FileCov = { path: string; summary: Summary; missing_lines: number[]; missing_branches: [number, number][]; functions: FnCov[] };
type Report = {
  id: number | null;
  project: string;
  status: string;
  message: string;
  summary: Summary;
  files: FileCov[];
  tests: { name: string; outcome: string; seconds: number; message: string }[];
  seconds: number;
  created_at: string | null;
};
type Target = { path: string; symbol: string };

const pct = (s: Summary | undefined, kind: "line" | "branch" = "line") =>
  s ? `${(kind === "line" ? s.line_percent : s.branch_percent).toFixed(1)}%` : "–";
const MAX_LINES = 3000;

/** Run a testing job and follow it; its result is the report. */
type JobKey = "testingCoverage" | "testingGenerate" | "testingMutation" | "testingChaos";

async function runJob(key: JobKey, body: object, onProgress: (p: any) => void): Promise<any> {
  const job = await api(key, { body });
  const end = await followJob(job.id, { onProgress });
  if (end.status !== "succeeded") throw new Error(end.error || `the job ${end.status}`);
  return end.result;
}

function useJob() {
  const act = useAction();
  const [progress, setProgress] = useState<any>(null);
  const start = (key: JobKey, body: object) =>
    act.run(async () => {
      setProgress(null);
      return await runJob(key, body, setProgress);
    });
  return { ...act, progress, start };
}

export function TestingPage() {
  return (
    <NeedProject>
      <TestingConsole />
    </NeedProject>
  );
}

function TestingConsole() {
  const { project } = useProject();
  const [target, setTarget] = useStored<Target>("devlab.testing.target", { path: "", symbol: "" });
  const [generated, setGenerated] = useState<any>(null);
  const [mutation, setMutation] = useState<any>(null);
  const [chaos, setChaos] = useState<any>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    setGenerated(null);
    setMutation(null);
    setChaos(null);
  }, [project]);
  return (
    <div class="stack">
      <CoveragePanel project={project} tick={tick} onTarget={setTarget} onMeasured={() => setTick((t) => t + 1)} />
      <div class="grid-2">
        <GeneratePanel project={project} target={target} setTarget={setTarget} onResult={(r) => (setGenerated(r), setTick((t) => t + 1))} />
        <MutationPanel project={project} target={target} onResult={(r) => (setMutation(r), setTick((t) => t + 1))} />
      </div>
      {generated && <GeneratedView result={generated} />}
      {mutation && <MutationView report={mutation} />}
      <ChaosPanel project={project} onResult={(r) => (setChaos(r), setTick((t) => t + 1))} />
      {chaos && <ChaosView report={chaos} />}
      <HistoryPanel
        project={project}
        tick={tick}
        onOpen={(kind, report) => (kind === "generate" ? setGenerated(report) : kind === "mutation" ? setMutation(report) : kind === "chaos" ? setChaos(report) : null)}
      />
    </div>
  );
}

function CoveragePanel({ project, tick, onTarget, onMeasured }: { project: string; tick: number; onTarget: (t: Target) => void; onMeasured: () => void }) {
  const job = useJob();
  const why = useCan()("testingCoverage", project);
  const [file, setFile] = useState<string | null>(null);
  const [fn, setFn] = useState<FnCov | null>(null);
  const report = useLoad<Report | null>(
    () =>
      api<Report>("testingCoverageLatest", { query: { project } }).catch((e) => {
        if (e instanceof ApiError && e.status === 404) return null; // not measured yet
        throw e;
      }),
    [project, tick],
  );
  useEffect(() => {
    setFile(null);
    setFn(null);
  }, [project]);
  const measure = async () => {
    const done = await job.start("testingCoverage", { project });
    if (done) onMeasured();
  };
  const data = report.data;
  const current = data?.files.find((f) => f.path === file) ?? null;
  return (
    <Panel
      title={`Coverage of ${project}`}
      actions={
        <button class="primary" onClick={measure} disabled={job.busy || !!why}>
          {job.busy ? "Measuring…" : "Measure coverage"}
        </button>
      }
    >
      <RoleNote why={why} />
      <ErrorNote error={job.error} id="coverage-error" />
      {job.busy && job.progress && <Progress done={job.progress.done} total={job.progress.total} message={job.progress.message} />}
      <ErrorNote error={report.error} />
      {data === null && <p class="muted">Not measured yet: Measure coverage runs the project's own tests under coverage in the sandbox.</p>}
      {data && (
        <>
          <p role="status">
            <strong class={`status s-${data.status}`}>{data.status}</strong> · lines <strong>{pct(data.summary)}</strong> ({data.summary.lines_covered}/
            {data.summary.lines}) · branches <strong>{pct(data.summary, "branch")}</strong> ({data.summary.branches_covered}/{data.summary.branches}) · {data.tests.length} tests ·{" "}
            {data.seconds.toFixed(1)} s · {fmtTime(data.created_at)}
          </p>
          {data.message && <p class="notice">{data.message}</p>}
          <div class="stack">
            <div class="table-wrap">
              <table class="coverage">
                <caption class="sr-only">Coverage per file</caption>
                <thead>
                  <tr>
                    <th scope="col">File</th>
                    <th scope="col">Lines</th>
                    <th scope="col">Branches</th>
                    <th scope="col">Missed</th>
                  </tr>
                </thead>
                <tbody>
                  {data.files.map((f) => (
                    <tr key={f.path} class={f.path === file ? "selected" : ""}>
                      <td>
                        <button class="link" onClick={() => (setFile(f.path), setFn(null))}>
                          {f.path}
                        </button>
                      </td>
                      <td>{pct(f.summary)}</td>
                      <td>{pct(f.summary, "branch")}</td>
                      <td>{f.missing_lines.length}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {current ? (
              <FileView project={project} file={current} fn={fn} setFn={setFn} onTarget={onTarget} />
            ) : (
              <p class="muted">Pick a file to see its functions and its uncovered lines.</p>
            )}
          </div>
          {data.tests.length > 0 && (
            <details>
              <summary>
                Tests: {data.tests.filter((t) => t.outcome === "passed").length}/{data.tests.length} passed
              </summary>
              <ul class="plain small">
                {data.tests.map((t) => (
                  <li key={t.name}>
                    <span class={`status s-${t.outcome === "passed" ? "passed" : "failed"}`}>{t.outcome}</span> <code>{t.name}</code>
                    {t.message && <span class="muted"> {t.message.slice(0, 200)}</span>}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </Panel>
  );
}

function FileView({ project, file, fn, setFn, onTarget }: { project: string; file: FileCov; fn: FnCov | null; setFn: (f: FnCov) => void; onTarget: (t: Target) => void }) {
  const text = useLoad(() => api<{ text: string }>("projectFile", { params: { project }, query: { path: file.path } }), [project, file.path]);
  useEffect(() => {
    if (fn) document.querySelector(`[data-line="${fn.start_line}"]`)?.scrollIntoView({ block: "nearest" });
  }, [fn, text.data]);
  const missing = new Set(file.missing_lines);
  const branches = new Map<number, number[]>();
  for (const [from, to] of file.missing_branches) branches.set(from, [...(branches.get(from) ?? []), to]);
  const lines = (text.data?.text ?? "").split("\n").slice(0, MAX_LINES);
  return (
    <div class="stack">
      <div class="table-wrap">
        <table>
          <caption class="sr-only">Coverage per function of {file.path}</caption>
          <thead>
            <tr>
              <th scope="col">Function</th>
              <th scope="col">Lines</th>
              <th scope="col">Branches</th>
              <th scope="col">Tests</th>
            </tr>
          </thead>
          <tbody>
            {file.functions.map((f) => (
              <tr key={`${f.name}:${f.start_line}`} class={fn?.name === f.name ? "selected" : ""}>
                <td>
                  <button class="link" onClick={() => setFn(f)}>
                    {f.name}
                  </button>{" "}
                  <span class="muted small">line {f.start_line}</span>
                </td>
                <td>{pct(f.summary)}</td>
                <td>{pct(f.summary, "branch")}</td>
                <td>
                  <button class="chip" aria-label={`Target ${f.name}`} title="Put this function in Generate tests and Mutation testing" onClick={() => onTarget({ path: file.path, symbol: f.name })}>
                    Target
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorNote error={text.error} />
      <p class="small muted">
        <span class="line miss legend">uncovered line</span> <span class="line part legend">branch not taken</span>
      </p>
      <pre class="code coverage-code" role="region" tabIndex={0} aria-label={`Coverage of ${file.path}`}>
        {lines.map((line, i) => {
          const n = i + 1;
          const cls = missing.has(n) ? "line miss" : branches.has(n) ? "line part" : "line";
          const inFn = fn && (fn.start_line === n || fn.missing_lines.includes(n));
          return (
            <span key={n} class={inFn && fn!.start_line === n ? `${cls} fn-start` : cls} data-line={n}>
              <span class="ln" aria-hidden="true">
                {String(n).padStart(4, " ")}{" "}
              </span>
              {line || " "}
              {branches.has(n) && <em class="mark"> ← never went to {branches.get(n)!.map((t) => (t < 0 ? "exit" : `line ${t}`)).join(", ")}</em>}
            </span>
          );
        })}
      </pre>
    </div>
  );
}

function TargetFields({ target, setTarget }: { target: Target; setTarget?: (t: Target) => void }) {
  return (
    <>
      <label class="block">
        File <input value={target.path} readOnly={!setTarget} placeholder="pkg/module.py" onInput={(e) => setTarget?.({ ...target, path: (e.target as HTMLInputElement).value })} />
      </label>
      <label class="block">
        Function <input value={target.symbol} readOnly={!setTarget} placeholder="(the whole file)" onInput={(e) => setTarget?.({ ...target, symbol: (e.target as HTMLInputElement).value })} />
      </label>
    </>
  );
}

function GeneratePanel({ project, target, setTarget, onResult }: { project: string; target: Target; setTarget: (t: Target) => void; onResult: (r: any) => void }) {
  const job = useJob();
  const why = useCan()("testingGenerate", project);
  const [useModel, setUseModel] = useStored("devlab.testing.useModel", false);
  const [withMutation, setWithMutation] = useStored("devlab.testing.mutation", false);
  const generate = async () => {
    if (!target.path.trim()) return job.setError("give a file (pick a function in the coverage table, or type its path)");
    const body = { project, path: target.path.trim(), symbol: target.symbol.trim() || null, use_model: useModel, mutation: withMutation };
    const result = await job.start("testingGenerate", body);
    if (result) onResult(result);
  };
  return (
    <Panel title="Generate tests">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          generate();
        }}
      >
        <TargetFields target={target} setTarget={setTarget} />
        <label class="check">
          <input type="checkbox" checked={useModel} onChange={(e) => setUseModel((e.target as HTMLInputElement).checked)} /> use the language model when the cheap strategies fall short
        </label>
        <label class="check">
          <input type="checkbox" checked={withMutation} onChange={(e) => setWithMutation((e.target as HTMLInputElement).checked)} /> also compare mutation scores
        </label>
        <button class="primary" type="submit" disabled={job.busy || !!why}>
          {job.busy ? "Generating…" : "Generate tests"}
        </button>
      </form>
      <RoleNote why={why} />
      <ErrorNote error={job.error} id="generate-error" />
      {job.busy && job.progress && <Progress done={job.progress.done} total={job.progress.total} message={job.progress.message} />}
      <p class="small muted">Every candidate runs three times in the sandbox; it is kept only if it passes all three, covers the same lines each time and adds coverage.</p>
    </Panel>
  );
}

function MutationPanel({ project, target, onResult }: { project: string; target: Target; onResult: (r: any) => void }) {
  const job = useJob();
  const why = useCan()("testingMutation", project);
  const start = async () => {
    if (!target.path.trim()) return job.setError("give a file first (in Generate tests, or pick a function's Target)");
    const result = await job.start("testingMutation", { project, path: target.path.trim(), symbol: target.symbol.trim() || null });
    if (result) onResult(result);
  };
  return (
    <Panel title="Mutation testing">
      <p class="small">
        Mutates <code>{target.path || "(no file yet)"}</code>
        {target.symbol ? (
          <>
            {" "}
            in <code>{target.symbol}</code>
          </>
        ) : null}{" "}
        and runs the project's tests against each mutant.
      </p>
      <button class="primary" onClick={start} disabled={job.busy || !!why}>
        {job.busy ? "Mutating…" : "Run mutation testing"}
      </button>
      <RoleNote why={why} />
      <ErrorNote error={job.error} id="mutation-error" />
      {job.busy && job.progress && <Progress done={job.progress.done} total={job.progress.total} message={job.progress.message} />}
    </Panel>
  );
}

function GeneratedView({ result }: { result: any }) {
  const proof = result.proof ?? {};
  return (
    <Panel title={`Generated tests for ${result.path}`}>
      <p role="status">
        {result.kept.length} kept · {result.dropped.length} dropped · lines {pct(result.before)} → <strong>{pct(result.after)}</strong> · branches {pct(result.before, "branch")} →{" "}
        <strong>{pct(result.after, "branch")}</strong>
        {result.mutation_before != null && ` · mutation score ${result.mutation_before}% → ${result.mutation_after}%`}
        {result.target_reached ? " · target reached" : ""}
      </p>
      {result.message && <p class="notice">{result.message}</p>}
      {result.kept.length > 0 && (
        <p aria-label="Proof run">
          Proof: the final sandbox run of <code>{result.test_path}</code> with the project's tests: <strong class={`status s-${proof.sandbox_status === "ok" ? "passed" : "failed"}`}>{String(proof.sandbox_status)}</strong>,{" "}
          {String(proof.tests)} tests, {(proof.failing_generated as string[] | undefined)?.length ?? 0} generated tests failing
          {proof.seconds != null && `, ${Number(proof.seconds).toFixed(1)} s`}.
        </p>
      )}
      <div class="table-wrap">
        <table aria-label="Kept tests">
          <thead>
            <tr>
              <th scope="col">Test</th>
              <th scope="col">Strategy</th>
              <th scope="col">Sandbox runs</th>
              <th scope="col">Adds</th>
            </tr>
          </thead>
          <tbody>
            {result.kept.map((c: any) => (
              <tr key={c.name}>
                <td>
                  <code>{c.name}</code>
                  <div class="muted small">{c.target}</div>
                </td>
                <td>{c.strategy}</td>
                <td>
                  {c.runs.map((r: string, i: number) => (
                    <span key={i} class={`status s-${r === "passed" ? "passed" : "failed"}`}>
                      {r}{" "}
                    </span>
                  ))}
                </td>
                <td>
                  {c.new_lines} lines, {c.new_branches} branches
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Diff</h3>
      <DiffView diff={result.diff} label="Generated tests diff" />
      {result.suspected_bugs.length > 0 && (
        <>
          <h3>Suspected bugs</h3>
          <ul class="plain">
            {result.suspected_bugs.map((b: any, i: number) => (
              <li key={i}>
                <code>{b.call}</code> raises <strong>{b.exception}</strong> <span class="muted">{b.message}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {result.dropped.length > 0 && (
        <details>
          <summary>{result.dropped.length} candidates dropped</summary>
          <ul class="plain small">
            {result.dropped.map((c: any, i: number) => (
              <li key={i}>
                <code>{c.name}</code> ({c.strategy}): {c.reason} {c.runs.length ? `· runs: ${c.runs.join(", ")}` : ""}
              </li>
            ))}
          </ul>
        </details>
      )}
    </Panel>
  );
}

function MutationView({ report }: { report: any }) {
  return (
    <Panel title={`Mutation score of ${report.path}`}>
      <p role="status">
        Score <strong>{report.score == null ? "–" : `${report.score}%`}</strong> · {report.killed}/{report.mutants} mutants killed · {(report.survived ?? []).length} survived
        {report.reused ? ` · ${report.reused} reused from the last run` : ""} · {Number(report.seconds).toFixed(1)} s
      </p>
      {report.message && <p class="notice">{report.message}</p>}
      {(report.survived ?? []).length > 0 && <h3>Surviving mutants (the tests did not notice)</h3>}
      {(report.survived ?? []).map((m: any) => (
        <details key={m.id}>
          <summary>
            {m.symbol || m.path}:{m.line} · {m.operator}
          </summary>
          <DiffView diff={m.diff} label={`Mutant ${m.id}`} />
        </details>
      ))}
    </Panel>
  );
}

function HistoryPanel({ project, tick, onOpen }: { project: string; tick: number; onOpen: (kind: string, report: any) => void }) {
  const runs = useLoad(() => api<any[]>("testingRuns", { query: { project, limit: 30 } }), [project, tick]);
  const act = useAction();
  const open = (id: number) =>
    act.run(async () => {
      const run = await api<any>("testingRun", { params: { run_id: id } });
      // a stored mutation result keeps its report beside the per-function records
      onOpen(run.kind, run.kind === "mutation" && run.report?.report ? run.report.report : run.report);
    });
  return (
    <Panel title="History">
      <ErrorNote error={runs.error || act.error} />
      {runs.data && runs.data.length === 0 && <p class="muted">No results stored yet.</p>}
      <ul class="plain">
        {(runs.data ?? []).map((r) => (
          <li key={r.id}>
            {r.kind === "coverage" ? (
              <span>coverage</span>
            ) : (
              <button class="link" onClick={() => open(r.id)}>
                {r.kind} {r.path}
              </button>
            )}{" "}
            <span class="muted small">
              {r.status}
              {r.line_percent != null && ` · lines ${r.line_percent.toFixed(1)}%`}
              {r.mutation_score != null && ` · mutation ${r.mutation_score}%`} · {fmtTime(r.created_at)}
            </span>
          </li>
        ))}
      </ul>
    </Panel>
  );
}

/** Chaos scenarios: pick a ready one, run it against the project's service in the sandbox. */
function ChaosPanel({ project, onResult }: { project: string; onResult: (r: any) => void }) {
  const scenarios = useLoad(() => api<any[]>("testingChaosScenarios"), []);
  const [name, setName] = useStored<string>("devlab.testing.chaos", "outbound-http-down");
  const job = useJob();
  const why = useCan()("testingChaos", project);
  const chosen = (scenarios.data ?? []).find((s) => s.name === name);
  const start = async () => {
    const result = await job.start("testingChaos", { project, scenario: name });
    if (result) onResult(result);
  };
  return (
    <Panel title="Chaos scenarios">
      <ErrorNote error={scenarios.error} />
      <label>
        Scenario{" "}
        <select value={name} onChange={(e) => setName((e.target as HTMLSelectElement).value)}>
          {(scenarios.data ?? []).map((s) => (
            <option key={s.name} value={s.name}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
      {chosen && <p class="small muted">{chosen.description}</p>}
      <button class="primary" onClick={start} disabled={job.busy || !!why}>
        {job.busy ? "Running…" : "Run scenario"}
      </button>
      <RoleNote why={why} />
      <ErrorNote error={job.error} id="chaos-error" />
      {job.busy && job.progress && <Progress done={job.progress.done} total={job.progress.total} message={job.progress.message} />}
      <p class="small muted">
        The project's web service runs in the sandbox; its GET routes are called before, during and after the faults. Your own scenarios (YAML):{" "}
        <code>devlab chaos run {project} -s FILE</code>.
      </p>
    </Panel>
  );
}

function ChaosView({ report }: { report: any }) {
  const r = report.results?.[0];
  if (!r) return null;
  return (
    <Panel title={`${r.title}: ${r.verdict}`}>
      <p role="status" class={r.verdict === "resilient" ? "ok" : "notice"}>
        {r.message} <span class="muted small">({r.app}; {r.probes.join(", ")})</span>
      </p>
      <table>
        <caption class="sr-only">Steady state per phase</caption>
        <thead>
          <tr>
            <th scope="col">Phase</th>
            <th scope="col">Held</th>
            <th scope="col">Errors</th>
            <th scope="col">p50</th>
            <th scope="col">p95</th>
            <th scope="col">p99</th>
            <th scope="col">Statuses</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(r.phases).map(([phase, st]: [string, any]) => (
            <tr key={phase}>
              <th scope="row">{phase}</th>
              <td>{st.held ? "yes" : "no"}</td>
              <td>
                {st.errors}/{st.requests}
              </td>
              <td>{st.p50_ms.toFixed(0)} ms</td>
              <td>{st.p95_ms.toFixed(0)} ms</td>
              <td>{st.p99_ms.toFixed(0)} ms</td>
              <td>
                {Object.entries(st.statuses)
                  .map(([k, v]) => `${k}×${v}`)
                  .join(" ")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.failures.map((f: any, i: number) => (
        <details key={i} class="chaos-failure">
          <summary>
            First failure ({f.phase}){f.path ? ` at ${f.path}:${f.line}` : ""}: {f.error}
          </summary>
          <pre>{f.stack.join("\n")}</pre>
        </details>
      ))}
      {r.findings.length > 0 && (
        <ul class="plain">
          {r.findings.map((f: any) => (
            <li key={f.fingerprint}>
              <strong>{f.title}</strong> <span class="muted small">{f.fix}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
