// The shared layout: navigation (one deep-linkable page per module), the project
// switcher, theme and API token; the page is picked from /devlab/<page>.
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import "./styles.css";
import { ApiError, SIGN_IN_EVENT, api, getToken, setCsrf, setToken } from "./api";
import { AuthContext, type Me, SignIn, loadNeeds } from "./auth";
import { ProjectContext, useStored } from "./ui";
// Pages load on demand (the editor's code only with the sandbox), so the layout shows at once.
type PageProps = { dark: boolean };
type PageComponent = (p: PageProps) => preact.JSX.Element;
const lazyPage = (load: () => Promise<PageComponent>) => {
  let cached: PageComponent | null = null;
  return function LazyPage(props: PageProps) {
    const [Page, setPage] = useState<PageComponent | null>(() => cached);
    const [error, setError] = useState("");
    useEffect(() => {
      if (!cached)
        load()
          .then((c) => setPage(() => (cached = c)))
          .catch((e) => setError(`this page could not load (${e.message}); reload to try again`));
    }, []);
    if (error)
      return (
        <p class="error" role="alert">
          {error}
        </p>
      );
    return Page ? <Page {...props} /> : <p class="muted">Loading…</p>;
  };
};

const Sandbox = lazyPage(() => import("./pages/sandbox").then((m) => m.SandboxPage));
const Companion = lazyPage(() => import("./pages/companion").then((m) => () => <m.CompanionPage />));
const Insights = lazyPage(() => import("./pages/insights").then((m) => () => <m.InsightsPage />));
const Reverse = lazyPage(() => import("./pages/reverse").then((m) => () => <m.ReversePage />));
const Search = lazyPage(() => import("./pages/search").then((m) => () => <m.SearchPage />));
const Datasets = lazyPage(() => import("./pages/datasets").then((m) => () => <m.DatasetsPage />));
const Models = lazyPage(() => import("./pages/models").then((m) => () => <m.ModelsPage />));
const Jobs = lazyPage(() => import("./pages/jobs").then((m) => () => <m.JobsPage />));
const Testing = lazyPage(() => import("./pages/testing").then((m) => () => <m.TestingPage />));
const ApiBuilder = lazyPage(() => import("./pages/elsewhere").then((m) => () => <m.ElsewherePage module="api" />));

const PAGES: { id: string; title: string; render: (dark: boolean) => preact.JSX.Element }[] = [
  { id: "sandbox", title: "Sandbox", render: (dark) => <Sandbox dark={dark} /> },
  { id: "companion", title: "Companion", render: (dark) => <Companion dark={dark} /> },
  { id: "insights", title: "Insights", render: (dark) => <Insights dark={dark} /> },
  { id: "reverse", title: "Reverse engineering", render: (dark) => <Reverse dark={dark} /> },
  { id: "search", title: "Search", render: (dark) => <Search dark={dark} /> },
  { id: "testing", title: "Testing", render: (dark) => <Testing dark={dark} /> },
  { id: "api", title: "API builder", render: (dark) => <ApiBuilder dark={dark} /> },
  { id: "datasets", title: "Datasets", render: (dark) => <Datasets dark={dark} /> },
  { id: "models", title: "Models", render: (dark) => <Models dark={dark} /> },
  { id: "jobs", title: "Jobs", render: (dark) => <Jobs dark={dark} /> },
];

const pageFromPath = () => location.pathname.replace(/^\/devlab\/?/, "").split("/")[0] || "sandbox";

function App() {
  const [page, setPage] = useState(pageFromPath());
  const [theme, setTheme] = useStored<"light" | "dark">(
    "devlab.theme",
    matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light",
  );
  const [project, setProject] = useStored<string>("devlab.project", "");
  const projectRef = useRef(project); // the latest choice, for the project-list callback
  projectRef.current = project;
  const [projects, setProjects] = useState<{ name: string }[]>([]);
  const [projectError, setProjectError] = useState("");
  const [tick, setTick] = useState(0);
  const [menuOpen, setMenuOpen] = useState(false);
  // checking: asking /auth/me (pages already load); open: no accounts (the local user);
  // signin: the server wants a sign-in; in: signed in (session cookie or API token)
  const [auth, setAuth] = useState<{ phase: "checking" | "open" | "signin" | "in"; me: Me | null }>({ phase: "checking", me: null });
  const [needs, setNeeds] = useState<Record<string, string> | null>({});
  const [authTick, setAuthTick] = useState(0);

  useEffect(() => {
    api<Me>("me")
      .then((me) => {
        setCsrf(me.csrf_token);
        setAuth({ phase: me.local ? "open" : "in", me });
        if (!me.local && !me.is_admin) {
          setNeeds(null);
          loadNeeds()
            .then(setNeeds)
            .catch(() => setNeeds({})); // unknown: the server still checks each request
        }
      })
      .catch((e) => setAuth({ phase: e instanceof ApiError && e.status === 401 ? "signin" : "open", me: null }));
  }, [authTick]);
  useEffect(() => {
    const onSignIn = () => setAuth({ phase: "signin", me: null });
    addEventListener(SIGN_IN_EVENT, onSignIn);
    return () => removeEventListener(SIGN_IN_EVENT, onSignIn);
  }, []);
  const signedIn = () => {
    setAuthTick((t) => t + 1);
    setTick((t) => t + 1);
  };
  const signOut = () => {
    api("logout")
      .catch(() => undefined)
      .finally(() => {
        setCsrf("");
        setToken("");
        setProjects([]);
        setAuth({ phase: "signin", me: null });
      });
  };

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    const onPop = () => setPage(pageFromPath());
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);
  useEffect(() => {
    api<{ name: string }[]>("projects")
      .then((list) => {
        setProjects(list);
        setProjectError("");
        // a choice that no longer exists (or none yet) falls back to the newest project
        if (list.length && !list.some((p) => p.name === projectRef.current)) setProject(list[list.length - 1].name);
      })
      .catch((e) => setProjectError(e.message));
  }, [tick]);
  const current = PAGES.find((p) => p.id === page) ?? PAGES[0];
  useEffect(() => {
    document.title = `${current.title} · DevLab`;
  }, [current]);

  const go = (e: MouseEvent, id: string) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    if (id === "api") return; // the API Builder serves its own page: a full navigation
    e.preventDefault();
    history.pushState({}, "", `/devlab/${id}`);
    setPage(id);
    setMenuOpen(false);
    document.getElementById("main")?.focus();
  };
  const askToken = () => {
    const value = prompt("API token for this server (empty to sign out):", getToken());
    if (value !== null) {
      setToken(value.trim());
      signedIn();
    }
  };

  return (
    <AuthContext.Provider value={{ me: auth.me, needs }}>
    <ProjectContext.Provider value={{ project, projects, reload: () => setTick((t) => t + 1) }}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/devlab/sandbox" onClick={(e) => go(e as MouseEvent, "sandbox")}>
          <img src="/devlab/favicon.svg" alt="" width="22" height="22" /> DevLab
        </a>
        <button class="menu-btn" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <label class="switcher" hidden={auth.phase === "signin"}>
          <span aria-hidden="true">Project </span>
          <select aria-label="Project" value={project} onChange={(e) => setProject((e.target as HTMLSelectElement).value)}>
            {projects.length === 0 && <option value="">(none yet)</option>}
            {projects.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <button onClick={() => setTheme(theme === "dark" ? "light" : "dark")} aria-label={`Switch to ${theme === "dark" ? "light" : "dark"} theme`}>
          {theme === "dark" ? "Light" : "Dark"}
        </button>
        {auth.me && !auth.me.local ? (
          <>
            <span class="who">
              Signed in as <strong>{auth.me.user}</strong>
              {auth.me.is_admin ? " (admin)" : project && auth.me.projects[project] ? ` (${auth.me.projects[project]} on ${project})` : ""}
            </span>
            <button onClick={signOut}>Sign out</button>
          </>
        ) : (
          <button onClick={askToken}>Token</button>
        )}
      </header>
      {projectError && auth.phase !== "signin" && (
        <p class="error banner" role="alert">
          Projects: {projectError}
        </p>
      )}
      <div class="layout">
        <nav id="nav" class={menuOpen ? "open" : ""} aria-label="Modules">
          <ul>
            {PAGES.map((p) => (
              <li key={p.id}>
                <a href={`/devlab/${p.id}`} aria-current={p.id === current.id ? "page" : undefined} onClick={(e) => go(e as MouseEvent, p.id)}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {auth.phase === "signin" ? (
            <>
              <h1>Sign in</h1>
              <SignIn onSignedIn={signedIn} onToken={askToken} />
            </>
          ) : (
            <>
              <h1>{current.title}</h1>
              {current.render(theme === "dark")}
            </>
          )}
        </main>
      </div>
    </ProjectContext.Provider>
    </AuthContext.Provider>
  );
}

// A deep link's ?project= wins over the stored choice.
const linked = new URLSearchParams(location.search).get("project");
if (linked) localStorage.setItem("devlab.project", JSON.stringify(linked));
const root = document.getElementById("app")!;
root.textContent = ""; // the "Loading" placeholder
render(<App />, root);
