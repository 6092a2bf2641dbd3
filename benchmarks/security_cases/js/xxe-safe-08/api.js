const libxmljs = require("libxmljs");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "<a/>";
}

export default async function handler(req, res) {
  const ALLOWED = ["<a/>", "other"];
  const value = ALLOWED.includes(req.cookies.xml) ? req.cookies.xml : "<a/>";
  const doc = libxmljs.parseXml(value, { noent: true });
  res.status(200).json({ ok: true });
}
