// Models: the registry (activate per task, roll back), training runs with a live loss
// curve, evaluations (pass@k) and A/B comparison of two evaluations.
import { useEffect, useState } from "preact/hooks";
import { api, followJob } from "../api";
import { ErrorNote, Panel, Progress, fmtTime, useAction, useLoad, useStored } from "../ui";
import { RoleNote, useCan } from "../auth";

const TASKS = ["chat", "explain", "generate", "tests", "fix", "refactor", "translate", "suggest"];

export function ModelsPage() {
  const [tick, setTick] = useState(0);
  const [runId, setRunId] = useStored<string | null>("devlab.train.run", null);
  const models = useLoad(() => api<any[]>("models"), [tick]);
  const acceptance = useLoad(() => api<any[]>("acceptance"), [tick]);
  const act = useAction();
  const can = useCan();
  const [task, setTask] = useState("all");
  const activate = (tag: string) =>
    act.run(async () => {
      await api("modelActivate", { params: { version: tag }, body: task === "all" ? {} : { tasks: [task] } });
      setTick((t) => t + 1);
    });
  // Rolling back "all" rolls back every task that was activated (409: never was).
  const rollback = () =>
    act.run(async () => {
      const tasks = task === "all" ? TASKS : [task];
      const refused: string[] = [];
      for (const t of tasks) {
        await api("modelRollback", { params: { task: t } }).catch((e) => {
          if (e.status !== 409) throw e;
          refused.push(e.message);
        });
      }
      setTick((t) => t + 1);
      if (refused.length === tasks.length) throw new Error(task === "all" ? "no task was ever activated: nothing to roll back" : refused[0]);
    });
  return (
    <div class="stack">
      <Panel
        title="Model versions"
        actions={
          <>
            <label>
              For task{" "}
              <select value={task} onChange={(e) => setTask((e.target as HTMLSelectElement).value)}>
                <option value="all">all</option>
                {TASKS.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </label>
            <button onClick={rollback} disabled={act.busy || !!can("modelRollback")}>
              Roll back
            </button>
          </>
        }
      >
        <RoleNote why={can("modelActivate")} />
        <ErrorNote error={models.error || act.error} id="models-error" />
        {models.data && models.data.length === 0 && <p class="muted">No trained versions yet: the packaged base model serves every task.</p>}
        {models.data && models.data.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Status</th>
                  <th scope="col">Dataset</th>
                  <th scope="col">Active for</th>
                  <th scope="col">Metrics</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {models.data.map((m) => (
                  <tr key={m.id}>
                    <td>
                      {m.tag}
                      <div class="muted small">{fmtTime(m.created_at)}</div>
                    </td>
                    <td>{m.status}</td>
                    <td>{m.dataset_ref ?? ""}</td>
                    <td>{m.active_tasks.join(", ")}</td>
                    <td class="small">{["last_loss", "best_val_loss", "pass@1"].filter((k) => m.metrics?.[k] != null).map((k) => `${k} ${Number(m.metrics[k]).toFixed(3)}`).join(" · ")}</td>
                    <td class="row">
                      <button onClick={() => activate(m.tag)} disabled={act.busy || m.status !== "ready" || !!can("modelActivate")} aria-label={`Activate ${m.tag}`}>
                        Activate
                      </button>
                      <button onClick={() => setRunId(String(m.id))} aria-label={`Training run of ${m.tag}`}>
                        Run
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {acceptance.data && acceptance.data.length > 0 && (
          <p class="muted small">
            Acceptance: {acceptance.data.map((a: any) => `${a.model_version ?? a.model ?? ""} ${a.rate != null ? Math.round(a.rate * 100) + "%" : ""}`).join(" · ")}
          </p>
        )}
      </Panel>
      <div class="grid-2">
        <TrainPanel runId={runId} setRunId={setRunId} onDone={() => setTick((t) => t + 1)} />
        <EvaluatePanel />
      </div>
    </div>
  );
}

function LossChart({ history }: { history: any[] }) {
  const points = history.filter((h) => typeof h.loss === "number");
  if (points.length < 1) return <p class="muted">The loss curve appears after the first step.</p>;
  const w = 480;
  const h = 180;
  const pad = 30;
  const steps = points.map((p, i) => p.step ?? i + 1);
  const losses = points.map((p) => p.loss);
  const vals = points.filter((p) => typeof p.val_loss === "number");
  const all = [...losses, ...vals.map((v) => v.val_loss)];
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  const maxStep = Math.max(...steps, 1);
  const x = (s: number) => pad + ((w - 2 * pad) * (s - (steps[0] ?? 0))) / Math.max(1, maxStep - (steps[0] ?? 0));
  const y = (v: number) => h - pad - ((h - 2 * pad) * (v - lo)) / Math.max(1e-9, hi - lo);
  const line = points.map((p, i) => `${x(steps[i])},${y(p.loss)}`).join(" ");
  const vline = vals.map((p) => `${x(p.step)},${y(p.val_loss)}`).join(" ");
  return (
    <figure>
      <svg viewBox={`0 0 ${w} ${h}`} class="chart" role="img" aria-label={`Loss from ${losses[0].toFixed(3)} to ${losses[losses.length - 1].toFixed(3)} over ${points.length} steps`}>
        <line x1={pad} y1={h - pad} x2={w - pad} y2={h - pad} class="axis" />
        <line x1={pad} y1={pad} x2={pad} y2={h - pad} class="axis" />
        <text x={2} y={pad} class="tick">
          {hi.toFixed(2)}
        </text>
        <text x={2} y={h - pad} class="tick">
          {lo.toFixed(2)}
        </text>
        <text x={w - pad - 30} y={h - 8} class="tick">
          step {maxStep}
        </text>
        <polyline points={line} class="loss" />
        {vline && <polyline points={vline} class="val" />}
        {points.map((p, i) => (
          <circle key={i} cx={x(steps[i])} cy={y(p.loss)} r={2.5} class="dot" />
        ))}
      </svg>
      <figcaption class="muted small">training loss{vals.length ? " (validation dashed)" : ""}</figcaption>
    </figure>
  );
}

function TrainPanel({ runId, setRunId, onDone }: { runId: string | null; setRunId: (id: string) => void; onDone: () => void }) {
  const trainWhy = useCan()("trainStart");
  const [dataset, setDataset] = useStored("devlab.train.dataset", "");
  const [steps, setSteps] = useStored("devlab.train.steps", 20);
  const [knobs, setKnobs] = useStored("devlab.train.config", "");
  const [run, setRun] = useState<any>(null);
  const act = useAction();
  const datasets = useLoad(() => api<any[]>("datasets"), []);
  useEffect(() => {
    if (!runId) return;
    let live = true;
    let timer = 0;
    const poll = async () => {
      try {
        const r = await api("trainRun", { params: { run_id: runId } });
        if (!live) return;
        setRun(r);
        if (["queued", "running"].includes(r.job_status ?? r.status) || r.status === "training") timer = window.setTimeout(poll, 2000);
        else onDone();
      } catch (e) {
        if (live) act.setError((e as Error).message);
      }
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [runId]);
  const start = () =>
    act.run(async () => {
      if (!dataset) throw new Error("pick a dataset (build one on the Datasets page)");
      let config: unknown = {};
      if (knobs.trim()) {
        try {
          config = JSON.parse(knobs);
        } catch (e) {
          throw new Error(`the run config is not JSON (${(e as Error).message}): write an object such as {"lora_rank": 8}`);
        }
        if (!config || typeof config !== "object" || Array.isArray(config)) throw new Error('the run config must be a JSON object of knob: value, such as {"lora_rank": 8}');
      }
      const r = await api("trainStart", { body: { dataset, max_steps: Number(steps), config } });
      setRun(r);
      setRunId(String(r.id));
    });
  return (
    <Panel title="Training run">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        <label>
          Dataset{" "}
          <select value={dataset} onChange={(e) => setDataset((e.target as HTMLSelectElement).value)}>
            <option value="">(choose)</option>
            {(datasets.data ?? []).map((d) => (
              <option key={d.id} value={`${d.name}@${d.version}`}>
                {d.name}@v{d.version}
              </option>
            ))}
          </select>
        </label>
        <label>
          Steps <input type="number" min={1} max={100000} value={steps} style="width:6em" onInput={(e) => setSteps(Number((e.target as HTMLInputElement).value))} />
        </label>
        <button class="primary" type="submit" disabled={act.busy || !!trainWhy}>
          Train
        </button>
        <details class="grow">
          <summary>Run config</summary>
          <label class="block">
            Run config overrides (JSON: base_model, lora_rank, learning_rate, context_length, device…; empty for the defaults)
            <textarea rows={3} value={knobs} placeholder='{"lora_rank": 8, "learning_rate": 0.0003}' onInput={(e) => setKnobs((e.target as HTMLTextAreaElement).value)} />
          </label>
        </details>
      </form>
      <RoleNote why={trainWhy} />
      <ErrorNote error={act.error} id="train-error" />
      {run && (
        <div>
          <p>
            {run.tag}: <strong class={`status s-${run.job_status ?? run.status}`}>{run.job_status ?? run.status}</strong>
            {run.job_id && (
              <>
                {" "}
                · job{" "}
                <a href="/devlab/jobs" class="small">
                  {String(run.job_id).slice(0, 8)}
                </a>
              </>
            )}
          </p>
          {run.progress?.total ? <Progress done={run.progress.done} total={run.progress.total} message={run.progress.message} /> : null}
          <LossChart history={run.loss_history ?? []} />
        </div>
      )}
    </Panel>
  );
}

function EvaluatePanel() {
  const [model, setModel] = useStored("devlab.eval.model", "base");
  const [suite, setSuite] = useStored("devlab.eval.suite", "humaneval");
  const [limit, setLimit] = useStored("devlab.eval.limit", 5);
  const [samples, setSamples] = useStored("devlab.eval.samples", 1);
  const [mine, setMine] = useStored<number[]>("devlab.eval.ids", []);
  const [progress, setProgress] = useState<any>(null);
  const [evaluation, setEvaluation] = useState<any>(null);
  const [a, setA] = useState("");
  const [b, setB] = useState("");
  const [comparison, setComparison] = useState<any>(null);
  const act = useAction();
  const cmp = useAction();
  const evalWhy = useCan()("evalStart");
  const start = () =>
    act.run(async () => {
      setProgress(null);
      const job = await api("evalStart", { body: { model, suite, limit: Number(limit), samples: Number(samples), k: [1] } });
      const end = await followJob(job.id, { onProgress: setProgress });
      if (end.status !== "succeeded") throw new Error(end.error || `evaluation ${end.status}`);
      const id = end.result?.id ?? end.result?.evaluation_id;
      if (id != null) {
        setMine([...mine.filter((x) => x !== id), id].slice(-20));
        setEvaluation(await api("evaluation", { params: { evaluation_id: id } }));
      }
    });
  const compare = () =>
    cmp.run(async () => {
      if (!a || !b) throw new Error("give two evaluation ids");
      setComparison(await api("evalCompare", { query: { a, b } }));
    });
  return (
    <Panel title="Evaluations">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        <label>
          Model <input value={model} size={10} onInput={(e) => setModel((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Suite <input value={suite} size={10} onInput={(e) => setSuite((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Tasks <input type="number" min={1} value={limit} style="width:4em" onInput={(e) => setLimit(Number((e.target as HTMLInputElement).value))} />
        </label>
        <label>
          Samples <input type="number" min={1} max={200} value={samples} style="width:4em" onInput={(e) => setSamples(Number((e.target as HTMLInputElement).value))} />
        </label>
        <button class="primary" type="submit" disabled={act.busy || !!evalWhy}>
          Evaluate
        </button>
      </form>
      <RoleNote why={evalWhy} />
      <ErrorNote error={act.error} id="eval-error" />
      {act.busy && progress && <Progress done={progress.done} total={progress.total} message={progress.message} />}
      {evaluation && (
        <p>
          Evaluation #{evaluation.id} ({evaluation.model} on {evaluation.suite}):{" "}
          {Object.entries(evaluation.metrics ?? {})
            .filter(([, v]) => typeof v === "number")
            .map(([k, v]) => `${k} ${(v as number).toFixed(3)}`)
            .join(" · ")}
        </p>
      )}
      <h3>A/B comparison</h3>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          compare();
        }}
      >
        <label>
          A <input value={a} size={4} list="eval-ids" onInput={(e) => setA((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          B <input value={b} size={4} list="eval-ids" onInput={(e) => setB((e.target as HTMLInputElement).value)} />
        </label>
        <datalist id="eval-ids">
          {mine.map((id) => (
            <option key={id} value={String(id)} />
          ))}
        </datalist>
        <button type="submit">Compare</button>
      </form>
      <ErrorNote error={cmp.error} id="compare-error" />
      {comparison && (
        <div>
          <p>
            B wins {comparison.wins.length} · loses {comparison.losses.length} · ties {comparison.ties}
          </p>
          <ul class="plain small">
            {comparison.deltas.map((d: any, i: number) => (
              <li key={i}>{Object.entries(d).map(([k, v]) => `${k}: ${typeof v === "number" ? (v as number).toFixed(3) : v}`).join(" · ")}</li>
            ))}
          </ul>
        </div>
      )}
    </Panel>
  );
}
