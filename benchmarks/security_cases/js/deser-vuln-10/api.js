const serialize = require("node-serialize");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "{}";
}

export default async function handler(req, res) {
  const { state: value } = { state: req.query.state };
  const obj = serialize.unserialize(value);
  res.status(200).json({ ok: true });
}
