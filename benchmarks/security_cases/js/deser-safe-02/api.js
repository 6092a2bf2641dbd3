const serialize = require("node-serialize");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "{}";
}

export default async function handler(req, res) {
  const ALLOWED = ["{}", "other"];
  const value = ALLOWED.includes(req.cookies.state) ? req.cookies.state : "{}";
  const obj = serialize.unserialize(value);
  res.status(200).json({ ok: true });
}
