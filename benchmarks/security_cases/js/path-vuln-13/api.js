const fs = require("fs");
const path = require("path");
const BASE = "/srv/files";

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "report.txt";
}

export default async function handler(req, res) {
  const value = String(req.query.file).trim();
  const data = fs.readFileSync(path.join(BASE, value), "utf8");
  res.status(200).json({ ok: true });
}
