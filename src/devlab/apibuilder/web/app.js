// The API Builder page: plain ES module, no build step. Every control calls a REST
// route under /api/v1/devlab/api; text from the server only lands in textContent.
const API = "/api/v1/devlab/api";
const $ = (sel) => document.querySelector(sel);
let current = null; // the selected design (as GET /designs/{id} returns it)

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function status(text, error = false) {
  const s = $("#status");
  s.textContent = text;
  s.className = error ? "error" : "";
}

// On a server with accounts the page rides on the workbench's session cookie; its
// state-changing requests carry the session's CSRF token (GET /auth/me tells it).
let csrf = null;
async function csrfToken() {
  if (csrf === null) {
    const res = await fetch("/api/v1/devlab/auth/me").catch(() => null);
    csrf = res && res.ok ? (await res.json()).csrf_token || "" : "";
  }
  return csrf;
}

async function call(method, path, body) {
  const headers = body === undefined ? {} : { "Content-Type": "application/json" };
  if (method !== "GET") {
    const token = await csrfToken();
    if (token) headers["X-CSRF-Token"] = token;
  }
  const res = await fetch(API + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) {
    status("sign in first: open the workbench (DevLab, top left) and sign in", true);
    throw new Error("sign in first");
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    status(`${res.status}: ${data.error || res.statusText}`, true);
    throw new Error(data.error || res.statusText);
  }
  return data;
}

async function loadDesigns() {
  const list = await call("GET", "/designs");
  const ul = $("#designs");
  ul.replaceChildren(...list.map((d) => el("li", {
    class: current && current.id === d.id ? "active" : "", "data-id": d.id,
    onclick: () => select(d.id),
  }, `${d.name} (v${d.head_version}, ${d.operations} ops)`)));
}

async function select(id) {
  current = await call("GET", `/designs/${id}`);
  render();
  await loadDesigns();
  const lint = await call("GET", `/designs/${id}/lint`);
  $("#lint").replaceChildren(...lint.map((f) => el("li", {}, `${f.severity} ${f.rule_id}: ${f.operation} ${f.message}`)));
}

async function edit(payload) {
  if (!current) return;
  try {
    current = await call("POST", `/designs/${current.id}/edits`, payload);
    status(`applied ${payload.op} (v${current.head_version})`);
    await select(current.id);
  } catch (err) { /* status shows the server's message */ }
}

function resources() {
  // A resource is a schema that has a Create variant (what add_resource and DDL make).
  const schemas = current.model.schemas || {};
  return Object.keys(schemas).filter((n) => schemas[n + "Create"]).map((n) => {
    const op = current.model.operations.find((o) => o.operation_id === "create" + n && o.method === "post");
    return { name: n, collection: op ? op.path.replace(/^\//, "") : n.toLowerCase() + "s", schema: schemas[n] };
  });
}

function card(r) {
  const fields = Object.entries(r.schema.properties || {});
  const required = new Set(r.schema.required || []);
  const c = el("div", { class: "card", draggable: "true", "data-resource": r.collection });
  c.append(el("h3", {}, r.name, el("button", {
    class: "x", title: "remove resource",
    onclick: () => edit({ op: "remove_resource", name: r.collection }),
  }, "×")));
  c.append(el("ul", {}, ...fields.map(([name, s]) => el("li", {},
    `${name}${required.has(name) ? "*" : ""}: ${[].concat(s.type || "any").join("|")}`,
    name === "id" ? "" : el("button", {
      class: "x", title: "remove field",
      onclick: () => edit({ op: "remove_field", resource: r.collection, name }),
    }, "×")))));
  const form = el("form", {}, el("input", { name: "field", placeholder: "new field", required: "" }),
    el("select", { name: "type" }, ...["string", "integer", "number", "boolean", "datetime", "uuid"].map((t) => el("option", {}, t))),
    el("button", { type: "submit" }, "+"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    edit({ op: "add_field", resource: r.collection, field: { name: form.field.value, type: form.type.value } });
  });
  c.append(form);
  c.addEventListener("dragstart", (e) => e.dataTransfer.setData("text/x-resource", r.collection));
  c.addEventListener("dragover", (e) => { e.preventDefault(); c.classList.add("over"); });
  c.addEventListener("dragleave", () => c.classList.remove("over"));
  c.addEventListener("drop", (e) => {
    e.preventDefault();
    e.stopPropagation();
    c.classList.remove("over");
    const child = e.dataTransfer.getData("text/x-resource");
    if (child && child !== r.collection) edit({ op: "add_relation", parent: r.collection, child });
  });
  return c;
}

function render() {
  $("#design-title").textContent = current.name;
  $("#version").textContent = `version ${current.head_version}`;
  $("#undo").disabled = !current.versions.some((v) => v.version === current.head_version && v.parent_version !== null);
  $("#sdk").disabled = false;
  const cards = resources().map(card);
  $("#canvas").replaceChildren(...(cards.length ? cards : [el("p", { class: "hint" }, "Drop a resource here.")]));
  $("#operations tbody").replaceChildren(...current.model.operations.map((o) => el("tr", {},
    el("td", {}, o.method.toUpperCase()), el("td", {}, o.path), el("td", {}, o.operation_id),
    el("td", {}, el("button", { class: "x", onclick: () => edit({ op: "remove_operation", operation_id: o.operation_id }) }, "×")))));
  $("#preview").textContent = JSON.stringify(current.openapi, null, 2);
}

function wire() {
  $("#palette-resource").addEventListener("dragstart", (e) => e.dataTransfer.setData("text/x-palette", "resource"));
  const canvas = $("#canvas");
  canvas.addEventListener("dragover", (e) => { e.preventDefault(); canvas.classList.add("over"); });
  canvas.addEventListener("dragleave", () => canvas.classList.remove("over"));
  canvas.addEventListener("drop", (e) => {
    e.preventDefault();
    canvas.classList.remove("over");
    if (e.dataTransfer.getData("text/x-palette") !== "resource" || !current) return;
    const name = window.prompt("Collection name (plural, e.g. orders)");
    if (name) edit({ op: "add_resource", name, fields: [{ name: "name", type: "string", required: true }] });
  });
  $("#new-design").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = e.target;
    const body = { name: f.name.value };
    if (f.schema.value.trim()) body.schema = f.schema.value;
    if (f.dialect.value) body.dialect = f.dialect.value;
    try {
      const d = await call("POST", "/designs", body);
      f.reset();
      status(`created ${d.name}`);
      await select(d.id);
    } catch (err) { /* shown */ }
  });
  $("#undo").addEventListener("click", async () => {
    current = await call("POST", `/designs/${current.id}/undo`);
    status(`undone: now version ${current.head_version}`);
    await select(current.id);
  });
  $("#add-op").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = e.target;
    edit({ op: "add_operation", method: f.method.value, path: f.path.value, operation_id: f.operation_id.value });
  });
  $("#try").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!current) return;
    const f = e.target;
    try {
      const r = await call("POST", `/designs/${current.id}/try`, { method: f.method.value, path: f.path.value });
      $("#try-result").textContent = `${r.status} ${r.conforms ? "conforms" : "does not conform"}\n` +
        JSON.stringify(r.body, null, 2) + (r.problems.length ? "\n" + r.problems.join("\n") : "");
    } catch (err) { /* shown */ }
  });
  $("#sdk").addEventListener("click", async () => {
    const language = $("#sdk-lang").value;
    status(`generating the ${language} SDK...`);
    const token = await csrfToken();
    const res = await fetch(`${API}/generate-sdk`, {
      method: "POST", headers: { "Content-Type": "application/json", ...(token ? { "X-CSRF-Token": token } : {}) },
      body: JSON.stringify({ design_id: current.id, language, prove: $("#sdk-prove").checked }),
    });
    if (!res.ok) { status(`SDK failed: ${res.status}`, true); return; }
    const blob = await res.blob();
    const a = el("a", { href: URL.createObjectURL(blob), download: `${current.name}-${language}-sdk.zip` });
    a.click();
    status(`SDK ready (compiled: ${res.headers.get("X-DevLab-Compiled") || "not proven"})`);
  });
}

wire();
loadDesigns().catch(() => status("cannot reach the API", true));
