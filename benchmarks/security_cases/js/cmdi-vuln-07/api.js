const cp = require("child_process");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "localhost";
}

export default async function handler(req, res) {
  const value = normalise(req.query.host);
  cp.execSync("nslookup " + value);
  res.status(200).json({ ok: true });
}
