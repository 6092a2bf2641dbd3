// The Dev Companion: streaming chat with citations that open the cited lines, the
// sandbox's active file as context, conversations, feedback (thumbs, correction,
// training consent), and "generate" with each round visible as it happens.
import { useEffect, useState } from "preact/hooks";
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
    setMessages((m) => [...m, { role: "user", content: text }, { role: "assistant", content: "" }]);
    setStreaming(true);
    const ws = new WebSocket(socketUrl(SOCKETS.chat));
    let done = false;
    ws.onopen = () => ws.send(JSON.stringify(request));
    ws.onmessage = (ev) => {
      const frame = JSON.parse(ev.data);
      if (frame.type === "token") {
        setMessages((m) => [...m.slice(0, -1), { ...m[m.length - 1], content: m[m.length - 1].content + frame.data }]);
      } else if (frame.type === "answer") {
        done = true;
        const a = frame.answer;
        setMessages((m) => [...m.slice(0, -1), { id: a.message_id, role: "assistant", content: a.answer, citations: a.citations }]);
        setDraft("");
        if (conversationId !== a.conversation_id) setConversationId(a.conversation_id);
        setListTick((t) => t + 1);
      } else if (frame.type === "error") {
        done = true;
        setError(frame.error);
        setMessages((m) => m.slice(0, -2));
      }
    };
    ws.onclose = () => {
      setStreaming(false);
      if (!done) {
        setError("The connection was lost mid-answer; your message is kept below. The server still stores the answer: reopen the conversation, or send again.");
        setMessages((m) => m.slice(0, -2));
        setListTick((t) => t + 1);
      }
    };
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
