// Sign-in and role-aware controls. The server says who the caller is (GET /auth/me:
// the local single user when no accounts exist, else a signed-in user with a role per
// project) and, in its OpenAPI document, which role each route needs ("Needs: role.").
// Controls a caller's role cannot use are disabled with the reason; the server still
// checks every request.
import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import { ROUTES, type RouteKey, SOCKETS, api, setCsrf, setToken } from "./api";
import { ErrorNote, useAction } from "./ui";

export interface Me {
  user: string;
  is_admin: boolean;
  local: boolean;
  token_scopes: string[] | null;
  csrf_token: string | null;
  projects: Record<string, string>;
}

const LEVELS = ["public", "user", "viewer", "developer", "maintainer", "admin"];
const rank = (role: string | undefined): number => (role ? LEVELS.indexOf(role) : 0);

// The WebSocket doors are not in OpenAPI; their rules (server's auth/rules.py) are:
const SOCKET_NEEDS: Record<keyof typeof SOCKETS, string> = { execute: "developer", chat: "viewer" };

/** "METHOD /path" -> the role it needs, read from the OpenAPI operations' descriptions. */
export async function loadNeeds(): Promise<Record<string, string>> {
  const doc = await (await fetch("/openapi.json")).json();
  const needs: Record<string, string> = {};
  for (const [path, ops] of Object.entries<any>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(ops)) {
      const m = /Needs: (\w+)\./.exec(op?.description ?? "");
      if (m) needs[`${method.toUpperCase()} ${path}`] = m[1];
    }
  }
  return needs;
}

// needs: null while the OpenAPI document is loading (controls stay disabled meanwhile)
export const AuthContext = createContext<{ me: Me | null; needs: Record<string, string> | null }>({ me: null, needs: {} });
const CHECKING = "checking your role";

/** Why the caller may not use a route (or socket) on a project; "" when it may (or
 * when the server has no accounts: the local user may do everything). */
export function useCan(): (key: RouteKey | `ws:${keyof typeof SOCKETS}`, project?: string) => string {
  const { me, needs } = useContext(AuthContext);
  return (key, project) => {
    if (!me || me.local || me.is_admin) return "";
    let method: string, role: string | undefined;
    if (key.startsWith("ws:")) {
      method = "WS";
      role = SOCKET_NEEDS[key.slice(3) as keyof typeof SOCKETS];
    } else {
      const [m, path] = ROUTES[key as RouteKey];
      if (needs === null) return CHECKING;
      method = m;
      role = needs[`${m} ${path}`];
    }
    const writes = method !== "GET";
    if (me.token_scopes && writes && method !== "WS" && !me.token_scopes.includes("write"))
      return `your API token is read-only (scopes: ${me.token_scopes.join(", ")})`;
    if (!role || role === "public" || role === "user") return "";
    if (role === "admin") return "this needs an instance admin";
    const have = project ? me.projects[project] : Object.values(me.projects).sort((a, b) => rank(b) - rank(a))[0];
    if (rank(have) >= rank(role)) return "";
    return `needs the ${role} role${project ? ` on ${project}` : ""} (you have ${have ?? "no role"})`;
  };
}

/** The reason a control is disabled, next to it (empty when allowed). */
export function RoleNote({ why, id }: { why: string; id?: string }) {
  if (!why || why === CHECKING) return null;
  return (
    <p class="small muted role-note" id={id}>
      Not available: {why}.
    </p>
  );
}

/** The sign-in form: POST /auth/login sets the session cookie and answers the CSRF token. */
export function SignIn({ onSignedIn, onToken }: { onSignedIn: () => void; onToken: () => void }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [sso, setSso] = useState(false);
  const act = useAction();
  useEffect(() => {
    // single sign-on is offered only when the server has a provider configured
    api<{ oidc: boolean }>("signInMethods")
      .then((m) => setSso(m.oidc))
      .catch(() => setSso(false));
  }, []);
  const submit = (e: Event) => {
    e.preventDefault();
    act.run(async () => {
      const answer = await api<{ csrf_token: string }>("login", { body: { name: name.trim(), password } });
      setCsrf(answer.csrf_token);
      setToken(""); // the session replaces a stored API token (a stale one would win)
      setPassword("");
      onSignedIn();
    });
  };
  return (
    <section class="panel signin" aria-label="Sign in">
      <p>This DevLab server has accounts: sign in to use it.</p>
      <form onSubmit={submit}>
        <label class="block">
          User name <input name="username" autoComplete="username" required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <label class="block">
          Password{" "}
          <input name="password" type="password" autoComplete="current-password" required maxLength={1024} value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
        <button class="primary" type="submit" disabled={act.busy}>
          {act.busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {sso && (
        <p>
          <a class="button" href="/api/v1/devlab/auth/oidc/login" id="signin-sso">
            Sign in with single sign-on
          </a>
        </p>
      )}
      <ErrorNote error={act.error} id="signin-error" />
      <p class="small muted">
        Scripts and tools can use a personal API token instead (<code>devlab tokens create</code>):{" "}
        <button class="link" type="button" onClick={onToken}>
          use an API token
        </button>
        .
      </p>
    </section>
  );
}
