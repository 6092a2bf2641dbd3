// The findings table shared by the Insights and Reverse pages: filters, severity,
// dismiss/reopen with a reason, and the taint path shown step by step on the code.
import { useState } from "preact/hooks";
import { api } from "./api";
import { CodeLines, ErrorNote, useAction, useLoad, useProject } from "./ui";
import { RoleNote, useCan } from "./auth";

const SEVERITIES = ["", "info", "low", "medium", "high", "critical"];

export function FindingsTable({ type, title, tick = 0 }: { type: string; title: string; tick?: number }) {
  const { project } = useProject();
  const [status, setStatus] = useState("open");
  const [severity, setSeverity] = useState("");
  const [onlyNew, setOnlyNew] = useState(false);
  const [path, setPath] = useState("");
  const [kind, setKind] = useState(type);
  const [openId, setOpenId] = useState<number | null>(null);
  const [local, setLocal] = useState(0);
  const feed = useLoad(
    () =>
      api("insights", {
        query: { project_id: project, type: kind, status, severity: severity || undefined, new: onlyNew || undefined, path: path || undefined, limit: 200 },
      }),
    [project, kind, status, severity, onlyNew, path, tick, local],
  );
  const page = feed.data;
  return (
    <div>
      <div class="row filters" role="group" aria-label={`${title} filters`}>
        {type === "all" && (
          <label>
            Type{" "}
            <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
              {["all", "security", "performance", "quality", "dependency"].map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          Status{" "}
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            {["open", "dismissed", "fixed", "all"].map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Min. severity{" "}
          <select value={severity} onChange={(e) => setSeverity((e.target as HTMLSelectElement).value)}>
            {SEVERITIES.map((t) => (
              <option key={t} value={t}>
                {t || "any"}
              </option>
            ))}
          </select>
        </label>
        <label>
          Path <input value={path} size={12} placeholder="src/" onChange={(e) => setPath((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <input type="checkbox" checked={onlyNew} onChange={(e) => setOnlyNew((e.target as HTMLInputElement).checked)} /> new since last analysis
        </label>
      </div>
      <ErrorNote error={feed.error} />
      {page && (
        <p class="muted">
          {page.total} {status === "all" ? "" : status} ·{" "}
          {Object.entries(page.counts ?? {})
            .map(([k, v]) => `${k}: ${Object.values(v as Record<string, number>).reduce((a, b) => a + b, 0)}`)
            .join(" · ")}
          {page.last_analysis
            ? ` · last analysis ${new Date(page.last_analysis.created_at).toLocaleString()}: ${page.last_analysis.new} new, ${page.last_analysis.fixed} fixed`
            : ""}
        </p>
      )}
      {page && page.items.length === 0 && <p class="muted">Nothing here.</p>}
      {page && page.items.length > 0 && (
        <div class="table-wrap">
          <table class="findings">
            <caption class="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Finding</th>
                <th scope="col">Where</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((f: any) => [
                <tr key={f.id}>
                  <td>
                    <span class={`sev sev-${f.severity}`}>{f.severity}</span>
                    {f.new && <span class="badge">new</span>}
                  </td>
                  <td>
                    <button class="link" aria-expanded={openId === f.id} onClick={() => setOpenId(openId === f.id ? null : f.id)}>
                      {f.title}
                    </button>
                    <div class="muted small">
                      {f.category} · {f.rule_id}
                      {f.cwe ? ` · ${f.cwe}` : ""}
                    </div>
                  </td>
                  <td class="path">
                    {f.path}:{f.start_line}
                  </td>
                  <td>{f.status}{f.status_reason ? `: ${f.status_reason}` : ""}</td>
                </tr>,
                openId === f.id && (
                  <tr key={`${f.id}-d`}>
                    <td colSpan={4}>
                      <FindingDetail finding={f} onChanged={() => setLocal((t) => t + 1)} />
                    </td>
                  </tr>
                ),
              ])}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function FindingDetail({ finding, onChanged }: { finding: any; onChanged: () => void }) {
  const { project } = useProject();
  const why = useCan()("insightPatch", project);
  const [reason, setReason] = useState("");
  const act = useAction();
  const file = useLoad(() => api("projectFile", { params: { project }, query: { path: finding.path } }), [finding.id]);
  const steps: { line: number; code: string; note?: string }[] = finding.taint_path ?? [];
  const marks: Record<number, string> = {};
  steps.forEach((s, i) => (marks[s.line] = `step ${i + 1}${s.note ? ": " + s.note : ""}`));
  const lines = steps.length ? steps.map((s) => s.line) : [finding.start_line];
  const setStatus = (status: string) =>
    act.run(async () => {
      await api("insightPatch", { params: { insight_id: finding.id }, body: { status, reason: reason || undefined } });
      onChanged();
    });
  return (
    <div class="detail">
      <p>{finding.message}</p>
      {finding.category === "coverage" ? (
        <p>
          <a
            href={`/devlab/testing?project=${encodeURIComponent(project)}`}
            onClick={() =>
              localStorage.setItem("devlab.testing.target", JSON.stringify({ path: finding.path, symbol: String(finding.symbol ?? "").split(".").pop() }))
            }
          >
            Generate tests for it in the Testing console
          </a>
        </p>
      ) : (
        finding.fix && (
          <p>
            <strong>Fix:</strong> {finding.fix}
          </p>
        )
      )}
      {steps.length > 0 && (
        <ol class="taint" aria-label="Taint path">
          {steps.map((s, i) => (
            <li key={i}>
              line {s.line}: <code>{s.code}</code> {s.note && <span class="muted">({s.note})</span>}
            </li>
          ))}
        </ol>
      )}
      <ErrorNote error={file.error} />
      {file.data && <CodeLines text={file.data.text} start={Math.min(...lines)} end={Math.max(...lines, finding.end_line)} marks={marks} />}
      <div class="row">
        <label>
          Reason <input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
        {finding.status === "open" ? (
          <button onClick={() => setStatus("dismissed")} disabled={!!why}>
            Dismiss
          </button>
        ) : (
          <button onClick={() => setStatus("open")} disabled={!!why}>
            Reopen
          </button>
        )}
      </div>
      <RoleNote why={why} />
      <ErrorNote error={act.error} />
    </div>
  );
}
