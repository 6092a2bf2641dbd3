// The Dev Companion: streaming chat with citations that open the cited lines, the
// sandbox's active file as context, conversations, feedback (thumbs, correction,
// training consent), and "generate" with each round visible as it happens.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, followJob, socketUrl, SOCKETS } from "../api";
import { CodeLines, ErrorNote, Panel, Progress, fmtTime, useAction, useProject, useStored } from "../ui";
import { RoleNote, useCan } from "../auth";

interface Citation {
  ref: number;
  path: string;
  start_line: number;
  end_line: number;
  symbol: string | null;
  cited: boolean;
}
interface Message {
  id?: number;
  role: string;
  content: string;
  citations?: Citation[];
}

export function CompanionPage() {
  const { project } = useProject();
  const chatWhy = useCan()("ws:chat", project || undefined);
  const [draft, setDraft] = useStored("devlab.companion.draft", "");
  const [conversationId, setConversationId] = useStored<number | null>("devlab.companion.conversation", null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [streaming, setStreaming] = useState(false);
  const [reconnect, setReconnect] = useState(""); // "connection lost; retrying…" while it does
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  const [error, setError] = useState("");
  const [withFile, setWithFile] = useStored("devlab.companion.withFile", false);
  const [opened, setOpened] = useState<{ c: Citation; text: string } | null>(null);
  const [listTick, setListTick] = useState(0);
  const convs = useAction();
  const [conversations, setConversations] = useState<any[]>([]);
  const cite = useAction();

  useEffect(() => {
    convs.run(async () => setConversations(await api("conversations", { query: { limit: 50 } })));
  }, [listTick]);
  useEffect(() => {
    if (conversationId == null) return setMessages([]);
    api("conversation", { params: { conversation_id: conversationId } })
      .then((c) => setMessages(c.messages))
      .catch((e) => {
        setError(e.message);
        setConversationId(null);
      });
  }, [conversationId]);

  const send = () => {
    const text = draft.trim();
    if (!text || streaming) return;
    setError("");
    const request: any = { message: text, conversation_id: conversationId ?? undefined, project: project || undefined };
    if (withFile) {
      const files = JSON.parse(localStorage.getItem("devlab.sandbox.files") ?? "{}");
      const active = JSON.parse(localStorage.getItem("devlab.sandbox.active") ?? '""');
      const lines = JSON.parse(localStorage.getItem("devlab.sandbox.selection") ?? "null");
      if (files[active] !== undefined) {
        request.active_file = { path: active, content: files[active] };
        if (Array.isArray(lines)) request.active_file.selection = { start_line: lines[0], end_line: lines[1] };
      }
    }
    const before: Before = { conversation: conversationId, count: messages.length, ids: new Set(conversations.map((c) => c.id)) };
    setMessages((m) => [...m, { role: "user", content: text }, { role: "assistant", content: "" }]);
    setStreaming(true);
    const onToken = (piece: string) => setMessages((m) => [...m.slice(0, -1), { ...m[m.length - 1], content: m[m.length - 1].content + piece }]);
    const answered = (a: any) => {
      setMessages((m) => [...m.slice(0, -1), { id: a.message_id, role: "assistant", content: a.answer, citations: a.citations }]);
      setDraft("");
      if (conversationId !== a.conversation_id) setConversationId(a.conversation_id);
      setListTick((t) => t + 1);
    };
    const stored = (id: number, all: Message[]) => {
      setMessages(all);
      setDraft("");
      setConversationId(id);
      setListTick((t) => t + 1);
    };
    const reset = () => setMessages((m) => [...m.slice(0, -1), { role: "assistant", content: "" }]);
    chatWithRetries(request, text, before, { onToken, reset, answered, stored, say: setReconnect, alive: () => alive.current })
      .then((failure) => {
        if (failure) {
          setError(failure.error);
          setMessages((m) => m.slice(0, -2));
          if (failure.lost) setListTick((t) => t + 1);
        }
      })
      .finally(() => {
        setStreaming(false);
        setReconnect("");
      });
  };

  const open = (c: Citation) =>
    cite.run(async () => {
      const f = await api("projectFile", { params: { project }, query: { path: c.path } });
      setOpened({ c, text: f.text });
    });

  return (
    <div class="grid-sidebar">
      <Panel
        title="Conversations"
        actions={
          <button onClick={() => setConversationId(null)} aria-label="New conversation">
            New
          </button>
        }
      >
        <ErrorNote error={convs.error} />
        <ul class="plain">
          {conversations.map((c) => (
            <li key={c.id}>
              <button class="link" aria-current={c.id === conversationId ? "true" : undefined} onClick={() => setConversationId(c.id)}>
                {c.title || `#${c.id}`}
              </button>{" "}
              <span class="muted small">{fmtTime(c.updated_at)}</span>
            </li>
          ))}
          {conversations.length === 0 && <li class="muted">None yet.</li>}
        </ul>
      </Panel>
      <div class="stack">
        <Panel title="Chat">
          <div class="chat" aria-live="polite">
            {messages.map((m, i) => (
              <div key={i} class={`msg ${m.role}`}>
                <div class="who">{m.role === "user" ? "You" : "Companion"}</div>
                <div class="prose">{m.content || (streaming && i === messages.length - 1 ? "…" : "")}</div>
                {m.citations && m.citations.length > 0 && (
                  <ul class="citations" aria-label="Citations">
                    {m.citations.map((c) => (
                      <li key={c.ref}>
                        <button class="link" onClick={() => open(c)}>
                          [{c.ref}] {c.path}:{c.start_line}-{c.end_line}
                          {c.symbol ? ` (${c.symbol})` : ""}
                        </button>
                        {!c.cited && <span class="muted small"> context</span>}
                      </li>
                    ))}
                  </ul>
                )}
                {m.role === "assistant" && m.id && <FeedbackBox messageId={m.id} />}
              </div>
            ))}
          </div>
          <ErrorNote error={cite.error} />
          {opened && (
            <div>
              <p>
                <strong>
                  {opened.c.path}:{opened.c.start_line}-{opened.c.end_line}
                </strong>{" "}
                <button onClick={() => setOpened(null)}>Close</button>
              </p>
              <CodeLines text={opened.text} start={opened.c.start_line} end={opened.c.end_line} />
            </div>
          )}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              send();
            }}
          >
            <label class="block">
              Message
              <textarea
                rows={3}
                value={draft}
                onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) send();
                }}
              />
            </label>
            <div class="row">
              <button class="primary" type="submit" disabled={streaming || !!chatWhy}>
                {streaming ? "Answering…" : "Send"}
              </button>
              <RoleNote why={chatWhy} />
              {reconnect && (
                <span role="status" class="notice small" id="chat-reconnect">
                  {reconnect}
                </span>
              )}
              <label>
                <input type="checkbox" checked={withFile} onChange={(e) => setWithFile((e.target as HTMLInputElement).checked)} /> include the sandbox's active file (and selection)
              </label>
              <span class="muted small">{project ? `project: ${project}` : "no project: answers without retrieval"}</span>
            </div>
            <ErrorNote error={error} id="chat-error" />
          </form>
        </Panel>
        <GeneratePanel />
      </div>
    </div>
  );
}

function FeedbackBox({ messageId }: { messageId: number }) {
  const { busy, error, run } = useAction();
  const [sent, setSent] = useState("");
  const [correcting, setCorrecting] = useState(false);
  const [correction, setCorrection] = useStored(`devlab.companion.correction.${messageId}`, "");
  const [consent, setConsent] = useState(false);
  const send = (body: any) =>
    run(async () => {
      await api("feedback", { body: { message_id: messageId, ...body } });
      setSent(body.correction ? "Correction saved" + (body.training_consent ? " (may train the team's models)" : "") : body.rating === "up" ? "Thanks: marked helpful" : "Thanks: marked unhelpful");
      setCorrecting(false);
    });
  return (
    <div class="feedback">
      <button onClick={() => send({ rating: "up" })} disabled={busy}>
        Helpful
      </button>
      <button onClick={() => send({ rating: "down" })} disabled={busy}>
        Not helpful
      </button>
      <button onClick={() => setCorrecting(!correcting)}>Correct</button>
      {sent && <span class="ok small">{sent}</span>}
      {correcting && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            send({ rating: "down", correction, training_consent: consent });
          }}
        >
          <label class="block">
            Correction
            <textarea rows={3} value={correction} onInput={(e) => setCorrection((e.target as HTMLTextAreaElement).value)} />
          </label>
          <label>
            <input type="checkbox" checked={consent} onChange={(e) => setConsent((e.target as HTMLInputElement).checked)} /> this correction may be used to train the team's models
          </label>{" "}
          <button type="submit">Save correction</button>
        </form>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

function GeneratePanel() {
  const { project } = useProject();
  const genWhy = useCan()("generateCode", project || undefined);
  const [requirement, setRequirement] = useStored("devlab.generate.requirement", "");
  const [language, setLanguage] = useStored("devlab.generate.language", "python");
  const [rounds, setRounds] = useStored("devlab.generate.rounds", 3);
  const [inProject, setInProject] = useState(false);
  const [progress, setProgress] = useState<any>(null);
  const [log, setLog] = useState<string[]>([]);
  const [result, setResult] = useState<any>(null);
  const { busy, error, run } = useAction();
  const go = () =>
    run(async () => {
      setLog([]);
      setResult(null);
      setProgress(null);
      const body: any = { requirement, language, max_rounds: Number(rounds) };
      if (inProject && project) body.project = project;
      const job = await api("generateCode", { body });
      const end = await followJob(job.id, { onProgress: setProgress, onLog: (l) => setLog((x) => [...x, l.message]) });
      if (end.status !== "succeeded") throw new Error(end.error || `generation ${end.status}`);
      setResult(end.result);
    });
  return (
    <Panel title="Generate (verified in the sandbox)">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          go();
        }}
      >
        <label class="block">
          Requirement
          <textarea rows={2} value={requirement} onInput={(e) => setRequirement((e.target as HTMLTextAreaElement).value)} />
        </label>
        <div class="row">
          <label>
            Language{" "}
            <select value={language} onChange={(e) => setLanguage((e.target as HTMLSelectElement).value)}>
              {["python", "javascript", "typescript", "go", "java", "bash"].map((l) => (
                <option key={l}>{l}</option>
              ))}
            </select>
          </label>
          <label>
            Rounds <input type="number" min={1} max={10} value={rounds} style="width:4em" onInput={(e) => setRounds(Number((e.target as HTMLInputElement).value))} />
          </label>
          <label>
            <input type="checkbox" checked={inProject} onChange={(e) => setInProject((e.target as HTMLInputElement).checked)} /> change the current project
          </label>
          <button class="primary" type="submit" disabled={busy || !requirement.trim() || !!genWhy}>
            Generate
          </button>
          <RoleNote why={genWhy} />
        </div>
      </form>
      <ErrorNote error={error} id="generate-error" />
      {progress && <Progress done={progress.done} total={progress.total} message={progress.message} />}
      {log.length > 0 && (
        <ol class="log" aria-label="Generation log">
          {log.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ol>
      )}
      {result && (
        <div>
          <p>
            Verdict: <strong class={`status s-${result.verdict}`}>{result.verdict}</strong> · {result.summary}
          </p>
          {result.rounds.map((r: any) => (
            <details key={r.round} open={r.round === result.rounds.length}>
              <summary>
                Round {r.round}: {r.status}
                {r.execution ? ` · tests ${r.execution.tests?.passed ?? 0}/${r.execution.tests?.total ?? 0} passed` : ""}
              </summary>
              {r.error && <pre class="output stderr" tabIndex={0}>{r.error}</pre>}
              <pre class="code" role="region" tabIndex={0} aria-label={`Code of round ${r.round}`}>
                {r.code || "(no code could be read from the reply)"}
              </pre>
            </details>
          ))}
          <h3>Tests</h3>
          <pre class="code" tabIndex={0}>
            {result.tests}
          </pre>
        </div>
      )}
    </Panel>
  );
}

// ---------------------------------------------------------------- the chat socket

interface Before {
  conversation: number | null; // the conversation the message goes to (null: a new one)
  count: number; // its messages before this one
  ids: Set<number>; // the conversations listed before (to find a new one)
}
type Outcome = { kind: "answer"; answer: any } | { kind: "error"; error: string } | { kind: "lost"; opened: boolean };
type Stored = { state: "answered"; id: number; messages: Message[] } | { state: "pending" } | { state: "absent" } | { state: "unknown" };

const RETRY_DELAYS = [1000, 2000, 4000, 8000, 16000]; // backoff between tries (ms)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One try over the chat WebSocket: streams tokens, ends with the answer, the server's
 * error, or a lost connection (``opened``: the request may have reached the server). */
function streamOnce(request: object, onToken: (piece: string) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    let opened = false;
    let settled = false;
    const finish = (o: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    const ws = new WebSocket(socketUrl(SOCKETS.chat));
    ws.onopen = () => {
      opened = true;
      ws.send(JSON.stringify(request));
    };
    ws.onmessage = (ev) => {
      const frame = JSON.parse(ev.data);
      if (frame.type === "token") onToken(frame.data);
      else if (frame.type === "answer") finish({ kind: "answer", answer: frame.answer });
      else if (frame.type === "error") finish({ kind: "error", error: frame.error });
    };
    ws.onclose = () => finish({ kind: "lost", opened });
  });
}

/** Did the server store this question (and its answer)? The server stores the question
 * before asking the model and the answer even when the client left. */
async function findStored(before: Before, text: string): Promise<Stored> {
  const check = (id: number, all: Message[], from: number): Stored => {
    const rest = all.slice(from);
    const at = rest.findIndex((m) => m.role === "user" && m.content.trim() === text);
    if (at < 0) return { state: "absent" };
    return rest.slice(at + 1).some((m) => m.role === "assistant") ? { state: "answered", id, messages: all } : { state: "pending" };
  };
  try {
    if (before.conversation != null) {
      const c = await api("conversation", { params: { conversation_id: before.conversation } });
      return check(before.conversation, c.messages, before.count);
    }
    const list = await api<any[]>("conversations", { query: { limit: 50 } });
    for (const conv of list.filter((c) => !before.ids.has(c.id)).slice(0, 3)) {
      const c = await api("conversation", { params: { conversation_id: conv.id } });
      const found = check(conv.id, c.messages, 0);
      if (found.state !== "absent") return found;
    }
    return { state: "absent" };
  } catch {
    return { state: "unknown" };
  }
}

/** Send a chat message; a lost connection reconnects with backoff. A request that may
 * have reached the server is looked up first (its stored answer is shown; one still
 * being answered is waited for) and sent again only when the server does not have it,
 * so a retry never stores the question twice. Resolves with the failure, if any. */
async function chatWithRetries(
  request: object,
  text: string,
  before: Before,
  on: { onToken: (p: string) => void; reset: () => void; answered: (a: any) => void; stored: (id: number, all: Message[]) => void; say: (s: string) => void; alive: () => boolean },
): Promise<{ error: string; lost?: boolean } | null> {
  let resend = true;
  let opened = false;
  let absent = 0;
  for (let attempt = 0; ; attempt++) {
    if (resend) {
      on.say(attempt ? `Reconnected (try ${attempt + 1})…` : "");
      if (attempt) on.reset(); // the answer starts again
      let first = true;
      const out = await streamOnce(request, (piece) => {
        if (first) on.say("");
        first = false;
        on.onToken(piece);
      });
      if (out.kind === "answer") return on.answered(out.answer), null;
      if (out.kind === "error") return { error: out.error };
      opened = out.opened;
      absent = 0;
    }
    if (attempt >= RETRY_DELAYS.length || !on.alive()) break;
    const delay = RETRY_DELAYS[attempt];
    on.say(`Connection to the server lost; reconnecting in ${delay / 1000} s (try ${attempt + 2} of ${RETRY_DELAYS.length + 1})…`);
    await sleep(delay);
    if (!opened) {
      resend = true; // the request never left: send it again
      continue;
    }
    const found = await findStored(before, text);
    if (found.state === "answered") return on.stored(found.id, found.messages), null;
    absent = found.state === "absent" ? absent + 1 : 0;
    // "absent" three times in a row (7 s: longer than gathering the context takes before
    // the server stores the question): it never got it; "pending": it is answering
    resend = found.state === "unknown" || absent >= 3;
  }
  return {
    error: `The connection to the server was lost and ${RETRY_DELAYS.length} reconnections failed; your message is kept below: Send to try again (an answer the server still finishes will appear in Conversations).`,
    lost: true,
  };
}
