// Jobs: every long piece of work (ingest, analysis, builds, training, evaluation,
// generation) with its progress, log and a cancel button; refreshed while open.
import { useEffect, useState } from "preact/hooks";
import { api, type JobInfo } from "../api";
import { ErrorNote, Panel, Progress, fmtTime, useAction } from "../ui";
import { useCan } from "../auth";

export function JobsPage() {
  const [jobs, setJobs] = useState<JobInfo[]>([]);
  const [error, setError] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const [logs, setLogs] = useState<any[]>([]);
  const act = useAction();
  const can = useCan();
  useEffect(() => {
    let live = true;
    const load = () =>
      api<JobInfo[]>("jobs", { query: { limit: 100 } })
        .then((j) => live && (setJobs(j), setError("")))
        .catch((e) => live && setError(e.message));
    load();
    const timer = setInterval(load, 3000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  useEffect(() => {
    if (!selected) return;
    api<any[]>("jobLogs", { params: { job_id: selected } }).then(setLogs).catch((e) => setError(e.message));
  }, [selected, jobs]);
  const job = jobs.find((j) => j.id === selected);
  return (
    <div class="grid-2">
      <Panel title="Recent jobs">
        <ErrorNote error={error} />
        {jobs.length === 0 && <p class="muted">No jobs yet.</p>}
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id} class={j.id === selected ? "selected" : ""}>
                  <td>
                    <button class="link" onClick={() => setSelected(j.id)}>
                      {j.kind}
                    </button>
                  </td>
                  <td class={`status s-${j.status}`}>{j.status}</td>
                  <td>
                    {j.progress.total ? `${j.progress.done}/${j.progress.total}` : ""} <span class="muted small">{j.progress.message}</span>
                  </td>
                  <td class="small">{fmtTime(j.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      {job && (
        <Panel
          title={`${job.kind} ${job.id.slice(0, 8)}`}
          actions={
            ["queued", "running"].includes(job.status) &&
            !can("jobCancel") && (
              <button onClick={() => act.run(() => api("jobCancel", { params: { job_id: job.id } }))} disabled={act.busy}>
                Cancel
              </button>
            )
          }
        >
          <ErrorNote error={act.error} />
          <p>
            <strong class={`status s-${job.status}`}>{job.status}</strong>
            {job.finished_at ? ` · finished ${fmtTime(job.finished_at)}` : ""}
          </p>
          <Progress done={job.progress.done} total={job.progress.total} message={job.progress.message} />
          {job.error && <p class="error">{job.error}</p>}
          <h3>Log</h3>
          <pre class="output" role="log" tabIndex={0} aria-label="Job log">
            {logs.map((l) => `${l.level ?? ""} ${l.message}\n`).join("")}
          </pre>
          {job.result && (
            <details>
              <summary>Result</summary>
              <pre class="code" tabIndex={0}>{JSON.stringify(job.result, null, 2)}</pre>
            </details>
          )}
        </Panel>
      )}
    </div>
  );
}
