const xpath = require("xpath");
const doc = require("./users-doc");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

export default async function handler(req, res) {
  const value = req.query.title;
  const nodes = xpath.select("//user[@name=$name]", doc, false, { name: value });
  res.status(200).json({ ok: true });
}
