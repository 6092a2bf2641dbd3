// The insights feed: new since the last analysis, dismiss/reopen with a reason, the
// fixed history (status "fixed"), by the seed's types, and an "analyse now" job.
import { useState } from "preact/hooks";
import { api, followJob } from "../api";
import { FindingsTable } from "../findings";
import { ErrorNote, NeedProject, Panel, Progress, useAction, useProject } from "../ui";
import { RoleNote, useCan } from "../auth";

export function InsightsPage() {
  const { project } = useProject();
  const why = useCan()("insightsGenerate", project);
  const [type, setType] = useState("all");
  const [tick, setTick] = useState(0);
  const [progress, setProgress] = useState<any>(null);
  const { busy, error, run } = useAction();
  const analyse = () =>
    run(async () => {
      setProgress(null);
      const job = await api("insightsGenerate", { body: { project_id: project } });
      const end = await followJob(job.id, { onProgress: setProgress });
      if (end.status !== "succeeded") throw new Error(end.error || `analysis ${end.status}`);
      setTick((t) => t + 1);
    });
  return (
    <NeedProject>
      <Panel
        title={`Feed of ${project}`}
        actions={
          <button class="primary" onClick={analyse} disabled={busy || !!why}>
            {busy ? "Analysing…" : "Analyse now"}
          </button>
        }
      >
        <RoleNote why={why} />
        <ErrorNote error={error} />
        {busy && progress && <Progress done={progress.done} total={progress.total} message={progress.message} />}
        <div class="tabs" role="tablist" aria-label="Insight types">
          {[
            ["all", "All"],
            ["security", "Security"],
            ["performance", "Performance"],
            ["quality", "Smells & quality"],
            ["dependency", "Dependency updates"],
            ["coverage", "Coverage gaps"],
            ["resilience", "Resilience"],
          ].map(([id, label]) => (
            <button key={id} role="tab" aria-selected={type === id} onClick={() => setType(id)}>
              {label}
            </button>
          ))}
        </div>
        <FindingsTable key={type} type={type} title={`${type} insights`} tick={tick} />
      </Panel>
    </NeedProject>
  );
}
