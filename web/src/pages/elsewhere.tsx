// The API builder serves its own page at /devlab/api; on a server without that
// capability the workbench's fallback says so and lists what the server has.
import { useEffect, useState } from "preact/hooks";
import { Panel } from "../ui";

const INFO = {
  api: { title: "API Builder", prefix: "/api/v1/devlab/api/" },
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
