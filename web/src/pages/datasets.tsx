// Datasets: build a versioned training dataset from the current project (a job with
// progress), list versions, read the data card and browse examples by split and kind.
import { useState } from "preact/hooks";
import { api, followJob } from "../api";
import { ErrorNote, NeedProject, Panel, Progress, fmtTime, useAction, useLoad, useProject, useStored } from "../ui";
import { RoleNote, useCan } from "../auth";

const KINDS = ["completion", "doc-to-code", "code-to-doc", "code-to-tests", "bug-fix", "refactor"];

export function DatasetsPage() {
  const { project } = useProject();
  const [name, setName] = useStored("devlab.datasets.name", "team");
  const [kinds, setKinds] = useStored<string[]>("devlab.datasets.kinds", ["completion", "code-to-doc"]);
  const [progress, setProgress] = useState<any>(null);
  const [tick, setTick] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const build = useAction();
  const why = useCan()("datasetBuild", project);
  const list = useLoad(() => api<any[]>("datasets"), [tick]);
  const start = () =>
    build.run(async () => {
      setProgress(null);
      const job = await api("datasetBuild", { body: { name, project, kinds } });
      const end = await followJob(job.id, { onProgress: setProgress });
      if (end.status !== "succeeded") throw new Error(end.error || `build ${end.status}`);
      setTick((t) => t + 1);
    });
  return (
    <div class="grid-2">
      <div class="stack">
        <NeedProject>
          <Panel title={`Build from ${project}`}>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                start();
              }}
            >
              <label>
                Dataset name <input value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
              </label>
              <fieldset>
                <legend>Example kinds</legend>
                {KINDS.map((k) => (
                  <label key={k} class="check">
                    <input
                      type="checkbox"
                      checked={kinds.includes(k)}
                      onChange={(e) => setKinds((e.target as HTMLInputElement).checked ? [...kinds, k] : kinds.filter((x) => x !== k))}
                    />{" "}
                    {k}
                  </label>
                ))}
              </fieldset>
              <button class="primary" type="submit" disabled={build.busy || !!why}>
                {build.busy ? "Building…" : "Build"}
              </button>
              <RoleNote why={why} />
            </form>
            <ErrorNote error={build.error} id="build-error" />
            {build.busy && progress && <Progress done={progress.done} total={progress.total} message={progress.message} />}
          </Panel>
        </NeedProject>
        <Panel title="Datasets">
          <ErrorNote error={list.error} />
          {list.data && list.data.length === 0 && <p class="muted">None yet.</p>}
          <ul class="plain">
            {(list.data ?? []).map((d) => (
              <li key={d.id}>
                <button class="link" onClick={() => setSelected(`${d.name}@${d.version}`)}>
                  {d.name}@v{d.version}
                </button>{" "}
                <span class="muted small">
                  {Object.entries(d.counts?.splits ?? d.counts ?? {})
                    .filter(([, v]) => typeof v === "number")
                    .map(([k, v]) => `${k} ${v}`)
                    .join(" · ")}{" "}
                  · {fmtTime(d.created_at)}
                </span>
              </li>
            ))}
          </ul>
        </Panel>
      </div>
      {selected && <DatasetView refName={selected} />}
    </div>
  );
}

function DatasetView({ refName }: { refName: string }) {
  const [split, setSplit] = useState("train");
  const [offset, setOffset] = useState(0);
  const info = useLoad(() => api("dataset", { params: { dataset: refName } }), [refName]);
  const page = useLoad(() => api("datasetExamples", { params: { dataset: refName }, query: { split, limit: 10, offset } }), [refName, split, offset]);
  return (
    <div class="stack">
      <Panel title={`Examples of ${refName}`}>
        <div class="row">
          <label>
            Split{" "}
            <select value={split} onChange={(e) => (setSplit((e.target as HTMLSelectElement).value), setOffset(0))}>
              {["train", "validation", "test"].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <button onClick={() => setOffset(Math.max(0, offset - 10))} disabled={offset === 0}>
            Previous
          </button>
          <button onClick={() => setOffset(offset + 10)} disabled={!page.data || offset + 10 >= page.data.total}>
            Next
          </button>
          {page.data && (
            <span class="muted small">
              {Math.min(offset + 1, page.data.total)}-{Math.min(offset + 10, page.data.total)} of {page.data.total}
            </span>
          )}
        </div>
        <ErrorNote error={page.error} />
        {(page.data?.items ?? []).map((ex: any, i: number) => (
          <details key={i}>
            <summary>
              {ex.kind} · {ex.path ?? ex.source?.path ?? ""} {ex.symbol ?? ""}
            </summary>
            <pre class="code" tabIndex={0}>{JSON.stringify(ex, null, 2)}</pre>
          </details>
        ))}
      </Panel>
      <Panel title="Data card">
        <ErrorNote error={info.error} />
        {info.data?.card ? <pre class="prose card" tabIndex={0}>{info.data.card}</pre> : <p class="muted">No card.</p>}
      </Panel>
    </div>
  );
}
