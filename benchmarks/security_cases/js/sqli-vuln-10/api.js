const db = require("./db");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

export default async function handler(req, res) {
  const value = String(req.headers["x-name"]).trim();
  await db.query("SELECT id FROM items WHERE owner = '" + value + "'");
  res.status(200).json({ ok: true });
}
