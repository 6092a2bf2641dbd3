const db = require("./db");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

export default async function handler(req, res) {
  const data = { value: req.query.name };
  const value = data.value;
  await db.query("SELECT id FROM items WHERE owner = $1", [value]);
  res.status(200).json({ ok: true });
}
