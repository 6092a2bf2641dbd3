const db = require("./db");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

export default async function handler(req, res) {
  const items = [req.headers["x-name"]];
  const value = items[0];
  await db.query(`SELECT * FROM users WHERE name = '${value}'`);
  res.status(200).json({ ok: true });
}
