// Every REST call the workbench makes goes through ROUTES: one table of documented
// routes (tests/web checks each against the server's OpenAPI document).

export const ROUTES = {
  health: ["GET", "/api/v1/health"],
  me: ["GET", "/api/v1/devlab/auth/me"],
  login: ["POST", "/api/v1/devlab/auth/login"],
  signInMethods: ["GET", "/api/v1/devlab/auth/methods"],
  logout: ["POST", "/api/v1/devlab/auth/logout"],
  projects: ["GET", "/api/v1/devlab/projects"],
  projectCreate: ["POST", "/api/v1/devlab/projects"],
  projectFiles: ["GET", "/api/v1/devlab/projects/{project}/files"],
  projectFile: ["GET", "/api/v1/devlab/projects/{project}/file"],
  symbols: ["GET", "/api/v1/devlab/projects/{project}/symbols"],
  definitions: ["GET", "/api/v1/devlab/projects/{project}/definitions"],
  references: ["GET", "/api/v1/devlab/projects/{project}/references"],
  callers: ["GET", "/api/v1/devlab/projects/{project}/callers"],
  callees: ["GET", "/api/v1/devlab/projects/{project}/callees"],
  search: ["POST", "/api/v1/devlab/search"],
  languages: ["GET", "/api/v1/devlab/execute/languages"],
  limits: ["GET", "/api/v1/devlab/execute/limits"],
  snippets: ["GET", "/api/v1/devlab/snippets"],
  versions: ["GET", "/api/v1/devlab/snippets/{name}/versions"],
  versionSave: ["POST", "/api/v1/devlab/snippets/{name}/versions"],
  version: ["GET", "/api/v1/devlab/snippets/{name}/versions/{version}"],
  versionDiff: ["GET", "/api/v1/devlab/snippets/{name}/diff"],
  versionRestore: ["POST", "/api/v1/devlab/snippets/{name}/versions/{version}/restore"],
  jobs: ["GET", "/api/v1/devlab/jobs"],
  job: ["GET", "/api/v1/devlab/jobs/{job_id}"],
  jobLogs: ["GET", "/api/v1/devlab/jobs/{job_id}/logs"],
  jobCancel: ["POST", "/api/v1/devlab/jobs/{job_id}/cancel"],
  jobEvents: ["GET", "/api/v1/devlab/jobs/{job_id}/events"],
  analyze: ["POST", "/api/v1/devlab/reverse/analyze"],
  diagram: ["POST", "/api/v1/devlab/reverse/generate-diagram"],
  insights: ["GET", "/api/v1/devlab/insights"],
  insightPatch: ["PATCH", "/api/v1/devlab/insights/{insight_id}"],
  insightsGenerate: ["POST", "/api/v1/devlab/insights/generate"],
  chat: ["POST", "/api/v1/devlab/companion/chat"],
  conversations: ["GET", "/api/v1/devlab/companion/conversations"],
  conversation: ["GET", "/api/v1/devlab/companion/conversations/{conversation_id}"],
  conversationDelete: ["DELETE", "/api/v1/devlab/companion/conversations/{conversation_id}"],
  explain: ["POST", "/api/v1/devlab/explain"],
  suggest: ["POST", "/api/v1/devlab/companion/suggest"],
  fix: ["POST", "/api/v1/devlab/generate/fix"],
  refactor: ["POST", "/api/v1/devlab/generate/refactor"],
  generateCode: ["POST", "/api/v1/devlab/generate/code"],
  feedback: ["POST", "/api/v1/devlab/feedback"],
  datasets: ["GET", "/api/v1/devlab/datasets"],
  datasetBuild: ["POST", "/api/v1/devlab/datasets"],
  dataset: ["GET", "/api/v1/devlab/datasets/{dataset}"],
  datasetExamples: ["GET", "/api/v1/devlab/datasets/{dataset}/examples"],
  models: ["GET", "/api/v1/devlab/models"],
  acceptance: ["GET", "/api/v1/devlab/models/acceptance"],
  modelActivate: ["POST", "/api/v1/devlab/models/{version}/activate"],
  modelRollback: ["POST", "/api/v1/devlab/models/rollback/{task}"],
  trainStart: ["POST", "/api/v1/devlab/training/runs"],
  trainRun: ["GET", "/api/v1/devlab/training/runs/{run_id}"],
  evalStart: ["POST", "/api/v1/devlab/evaluations"],
  evaluation: ["GET", "/api/v1/devlab/evaluations/{evaluation_id}"],
  evalCompare: ["GET", "/api/v1/devlab/evaluations/compare"],
  testingCoverage: ["POST", "/api/v1/devlab/testing/coverage"],
  testingCoverageLatest: ["GET", "/api/v1/devlab/testing/coverage"],
  testingGenerate: ["POST", "/api/v1/devlab/testing/generate"],
  testingMutation: ["POST", "/api/v1/devlab/testing/mutation"],
  testingChaos: ["POST", "/api/v1/devlab/testing/chaos"],
  testingChaosScenarios: ["GET", "/api/v1/devlab/testing/chaos/scenarios"],
  testingRuns: ["GET", "/api/v1/devlab/testing/runs"],
  testingRun: ["GET", "/api/v1/devlab/testing/runs/{run_id}"],
} as const;

// WebSocket doors (OpenAPI cannot describe them; the test checks the app serves them).
export const SOCKETS = {
  execute: "/api/v1/devlab/execute/stream",
  chat: "/api/v1/devlab/companion/stream",
} as const;

export type RouteKey = keyof typeof ROUTES;

export class ApiError extends Error {
  status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface CallOptions {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  form?: FormData;
  signal?: AbortSignal;
}

const TOKEN_KEY = "devlab.token";
export const getToken = (): string => localStorage.getItem(TOKEN_KEY) ?? "";
export const setToken = (t: string): void => {
  if (t) localStorage.setItem(TOKEN_KEY, t);
  else localStorage.removeItem(TOKEN_KEY);
};

// A web session's CSRF token (from the login answer or GET /auth/me): the server wants
// it as X-CSRF-Token on every state-changing request made with the session cookie.
let csrfToken = "";
export const setCsrf = (t: string | null | undefined): void => {
  csrfToken = t ?? "";
};

/** Fired when the server answers 401 outside the login form: the layout shows sign-in. */
export const SIGN_IN_EVENT = "devlab:sign-in";

export function routeUrl(key: RouteKey, opts: CallOptions = {}): string {
  let path: string = ROUTES[key][1];
  for (const [name, value] of Object.entries(opts.params ?? {})) {
    path = path.replace(`{${name}}`, encodeURIComponent(String(value)));
  }
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(opts.query ?? {})) {
    if (value !== undefined && value !== null && value !== "") q.set(name, String(value));
  }
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

export function headers(json: boolean): Record<string, string> {
  const h: Record<string, string> = {};
  if (json) h["Content-Type"] = "application/json";
  const token = getToken();
  if (token) h["Authorization"] = `Bearer ${token}`;
  if (csrfToken) h["X-CSRF-Token"] = csrfToken;
  return h;
}

/** The server's message from an error response (``{"error": ...}``), else the status. */
async function errorMessage(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    if (body && typeof body.error === "string") return body.error;
    if (body && body.detail) return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
  } catch {
    /* not JSON */
  }
  if (res.status === 401) return "sign in first: this server needs an account or an API token";
  return text.slice(0, 300) || `${res.status} ${res.statusText}`;
}

export async function api<T = any>(key: RouteKey, opts: CallOptions = {}): Promise<T> {
  const method = ROUTES[key][0];
  const init: RequestInit = { method, headers: headers(opts.body !== undefined), signal: opts.signal };
  if (opts.form) init.body = opts.form;
  else if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
  let res: Response;
  try {
    res = await fetch(routeUrl(key, opts), init);
  } catch (err) {
    throw new ApiError(0, `the server did not answer (${(err as Error).message}); is devlab serve running?`);
  }
  if (!res.ok) {
    if (res.status === 401 && key !== "login" && key !== "me" && key !== "signInMethods") dispatchEvent(new Event(SIGN_IN_EVENT));
    throw new ApiError(res.status, await errorMessage(res));
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export function socketUrl(path: string): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}${path}`;
}

export interface JobInfo {
  id: string;
  kind: string;
  status: string;
  progress: { done: number; total: number; message: string };
  result: any;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface JobWatch {
  onProgress?: (p: { status: string; done: number; total: number; message: string }) => void;
  onLog?: (line: { message: string; level?: string }) => void;
  signal?: AbortSignal;
}

const TERMINAL = new Set(["succeeded", "failed", "cancelled", "quota_used_up"]);

/** Follow a job over its SSE stream until it ends; a dropped stream reconnects (and
 * falls back to polling), so progress keeps coming. Resolves with the finished job. */
export async function followJob(id: string, watch: JobWatch = {}): Promise<JobInfo> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const res = await fetch(routeUrl("jobEvents", { params: { job_id: id } }), {
        headers: headers(false),
        signal: watch.signal,
      });
      if (!res.ok) throw new ApiError(res.status, await errorMessage(res));
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (!event || !data) continue;
          const parsed = JSON.parse(data);
          if (event === "progress") watch.onProgress?.(parsed);
          else if (event === "log") watch.onLog?.(parsed);
          else if (event === "end") return parsed as JobInfo;
        }
      }
    } catch (err) {
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) throw err;
      if ((err as Error).name === "AbortError") throw err;
    }
    // The stream dropped before the end: ask once, then reconnect.
    const job = await api<JobInfo>("job", { params: { job_id: id } }).catch(() => null);
    if (job && TERMINAL.has(job.status)) return job;
    await new Promise((r) => setTimeout(r, Math.min(500 * (attempt + 1), 3000)));
  }
  throw new ApiError(0, `lost the connection to job ${id}; see the Jobs page`);
}
