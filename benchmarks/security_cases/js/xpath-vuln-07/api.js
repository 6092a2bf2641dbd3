const xpath = require("xpath");
const doc = require("./users-doc");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

export default async function handler(req, res) {
  let value = req.headers["x-title"];
  if (!value) {
    value = "alice";
  }
  const nodes = xpath.select(`//user[@name='${value}']`, doc);
  res.status(200).json({ ok: true });
}
