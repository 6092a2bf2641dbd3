const cp = require("child_process");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "localhost";
}

export default async function handler(req, res) {
  let value = req.cookies.host;
  value = "localhost";
  cp.execSync("nslookup " + value);
  res.status(200).json({ ok: true });
}
