const libxmljs = require("libxmljs");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "<a/>";
}

export default async function handler(req, res) {
  const data = { value: req.query.xml };
  const value = data.value;
  const doc = libxmljs.parseXml(value, { noent: true });
  res.status(200).json({ ok: true });
}
