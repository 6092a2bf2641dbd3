// Reverse engineering: ingest + analyse a ZIP upload, a git URL or a server path with
// live progress; findings with taint paths; diagrams as SVG with zoom, pan and scope;
// dependency vulnerabilities.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, followJob } from "../api";
import { FindingsTable } from "../findings";
import { ErrorNote, NeedProject, Panel, Progress, useAction, useProject, useStored } from "../ui";
import { RoleNote, useCan } from "../auth";

export function ReversePage() {
  const { project, reload } = useProject();
  const [source, setSource] = useStored("devlab.reverse.source", "");
  const [name, setName] = useStored("devlab.reverse.name", "");
  const [progress, setProgress] = useState<any>(null);
  const [log, setLog] = useState<string[]>([]);
  const [summary, setSummary] = useState<any>(null);
  const [tick, setTick] = useState(0);
  const upload = useAction();
  const can = useCan();
  const newWhy = can("analyze");
  const againWhy = can("analyze", project);
  const fileInput = useRef<HTMLInputElement>(null);

  const follow = async (job: any) => {
    const end = await followJob(job.id, { onProgress: setProgress, onLog: (l) => setLog((x) => [...x.slice(-30), l.message]) });
    if (end.status !== "succeeded") throw new Error(end.error || `analysis ${end.status}`);
    setSummary(end.result);
    reload();
    setTick((t) => t + 1);
  };
  const start = (work: () => Promise<any>) =>
    upload.run(async () => {
      // A new request clears the last job's progress first, so a refusal is never
      // overwritten by an older job's events.
      setProgress(null);
      setLog([]);
      setSummary(null);
      await follow(await work());
    });
  const fromZip = () =>
    start(async () => {
      const file = fileInput.current?.files?.[0];
      if (!file) throw new Error("choose a .zip file first");
      const form = new FormData();
      form.append("file", file);
      if (name) form.append("name", name);
      return api("analyze", { form });
    });
  const fromSource = () =>
    start(async () => {
      if (!source.trim() || !name.trim()) throw new Error("give a git URL (or a path on the server) and a project name");
      return api("analyze", { body: { source: source.trim(), name: name.trim() } });
    });
  const again = () => start(async () => api("analyze", { body: { project_id: project } }));

  return (
    <div class="stack">
      <Panel title="Analyse code">
        <div class="grid-2">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              fromZip();
            }}
          >
            <label class="block">
              ZIP archive <input type="file" accept=".zip,application/zip" ref={fileInput} />
            </label>
            <button type="submit" disabled={upload.busy || !!newWhy}>
              Upload and analyse
            </button>
          </form>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              fromSource();
            }}
          >
            <label class="block">
              Git URL or server path <input value={source} placeholder="https://host/org/repo.git" onInput={(e) => setSource((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" disabled={upload.busy || !!newWhy}>
              Ingest and analyse
            </button>
          </form>
        </div>
        <div class="row">
          <label>
            Project name <input value={name} placeholder="from the file name" onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          </label>
          {project && (
            <button onClick={again} disabled={upload.busy || !!againWhy} title={againWhy || undefined}>
              Re-analyse {project}
            </button>
          )}
        </div>
        <RoleNote why={newWhy} />
        <ErrorNote error={upload.error} id="analyze-error" />
        {upload.busy && progress && <Progress done={progress.done} total={progress.total} message={progress.message} />}
        {upload.busy && log.length > 0 && <p class="muted small">{log[log.length - 1]}</p>}
        {summary && (
          <p class="ok" role="status">
            Analysed {summary.project ?? project}: {summary.findings} findings ({summary.new} new, {summary.fixed} fixed).
          </p>
        )}
      </Panel>
      <NeedProject>
        <Panel title="Security findings">
          <FindingsTable type="security" title="Security findings" tick={tick} />
        </Panel>
        <DiagramPanel />
        <Panel title="Dependency vulnerabilities">
          <FindingsTable type="dependency" title="Dependency findings" tick={tick} />
        </Panel>
      </NeedProject>
    </div>
  );
}

function DiagramPanel() {
  const { project } = useProject();
  const [type, setType] = useStored("devlab.diagram.type", "dependency");
  const [scope, setScope] = useState("");
  const [depth, setDepth] = useState("");
  const [url, setUrl] = useState("");
  const [zoom, setZoom] = useState(1);
  const [pan, setPan] = useState({ x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const image = useRef<HTMLImageElement>(null);
  // Start (and Reset) with the whole diagram in view.
  const fit = () => {
    const img = image.current;
    const width = box.current?.clientWidth ?? 0;
    setZoom(img && img.naturalWidth && width ? Math.min(1, width / img.naturalWidth) : 1);
    setPan({ x: 0, y: 0 });
  };
  const { busy, error, run } = useAction();
  const render = () =>
    run(async () => {
      const r = await api("diagram", {
        body: { project, diagram_type: type, format: "svg", scope: scope || undefined, depth: depth ? Number(depth) : undefined },
      });
      // An <img> of a blob keeps any script in the SVG from running.
      if (url) URL.revokeObjectURL(url);
      setUrl(URL.createObjectURL(new Blob([r.text], { type: "image/svg+xml" })));
    });
  useEffect(() => () => url && URL.revokeObjectURL(url), [url]);
  const onKey = (e: KeyboardEvent) => {
    const step = 40;
    const moves: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[e.key]) {
      e.preventDefault();
      setPan((p) => ({ x: p.x + moves[e.key][0], y: p.y + moves[e.key][1] }));
    } else if (e.key === "+" || e.key === "=") setZoom((z) => Math.min(z * 1.25, 20));
    else if (e.key === "-") setZoom((z) => Math.max(z / 1.25, 0.1));
  };
  return (
    <Panel title="Diagrams">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          render();
        }}
      >
        <label>
          Type{" "}
          <select value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
            {["dependency", "architecture", "uml", "call"].map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Folder <input value={scope} size={10} placeholder="all" onInput={(e) => setScope((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Depth <input type="number" min={1} value={depth} style="width:4em" onInput={(e) => setDepth((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" disabled={busy}>
          Render
        </button>
        {url && (
          <>
            <button type="button" aria-label="Zoom in" onClick={() => setZoom((z) => Math.min(z * 1.25, 20))}>
              +
            </button>
            <button type="button" aria-label="Zoom out" onClick={() => setZoom((z) => Math.max(z / 1.25, 0.1))}>
              −
            </button>
            <button type="button" onClick={fit}>
              Fit
            </button>
          </>
        )}
      </form>
      <ErrorNote error={error} id="diagram-error" />
      {url && (
        <div
          ref={box}
          class="diagram"
          tabIndex={0}
          role="img"
          aria-label={`${type} diagram of ${project}; arrow keys pan, + and - zoom`}
          onKeyDown={onKey}
          onWheel={(e) => {
            e.preventDefault();
            setZoom((z) => Math.min(Math.max(z * (e.deltaY < 0 ? 1.1 : 1 / 1.1), 0.1), 20));
          }}
          onPointerDown={(e) => {
            drag.current = { x: e.clientX - pan.x, y: e.clientY - pan.y };
            (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
          }}
          onPointerMove={(e) => drag.current && setPan({ x: e.clientX - drag.current.x, y: e.clientY - drag.current.y })}
          onPointerUp={() => (drag.current = null)}
        >
          <img ref={image} src={url} alt="" draggable={false} onLoad={fit} style={{ transform: `translate(${pan.x}px, ${pan.y}px) scale(${zoom})` }} />
        </div>
      )}
    </Panel>
  );
}
