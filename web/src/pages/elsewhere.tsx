// Testing and API builder: their capabilities (issues 15 and 16) serve their own routes
// and page; on a server without them this page says so and lists what the server has.
import { useEffect, useState } from "preact/hooks";
import { Panel } from "../ui";

const INFO = {
  testing: { title: "Testing & QA Lab", prefix: "/api/v1/devlab/testing" },
  api: { title: "API Builder", prefix: "/api/v1/devlab/apibuilder" },
} as const;

export function ElsewherePage({ module }: { module: keyof typeof INFO }) {
  const info = INFO[module];
  const [paths, setPaths] = useState<string[] | null>(null);
  useEffect(() => {
    fetch("/openapi.json")
      .then((r) => r.json())
      .then((doc) => setPaths(Object.keys(doc.paths ?? {}).filter((p) => p.startsWith(info.prefix))))
      .catch(() => setPaths([]));
  }, [module]);
  return (
    <Panel title={info.title}>
      {paths === null ? (
        <p class="muted">Checking this server…</p>
      ) : paths.length === 0 ? (
        <p class="notice">
          The {info.title} is not installed on this server (no routes under <code>{info.prefix}</code>). Every other module works from the menu.
        </p>
      ) : (
        <>
          <p>This server offers these {info.title} routes; try them in the <a href="/docs">API docs</a>:</p>
          <ul>
            {paths.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}
