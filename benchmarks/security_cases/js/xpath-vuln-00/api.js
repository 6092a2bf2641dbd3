const xpath = require("xpath");
const doc = require("./users-doc");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

export default async function handler(req, res) {
  const value = req.body.title;
  const nodes = xpath.select(`//user[@name='${value}']`, doc);
  res.status(200).json({ ok: true });
}
