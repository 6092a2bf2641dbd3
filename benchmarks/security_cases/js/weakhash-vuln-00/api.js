const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "pw";
}

export default async function handler(req, res) {
  const items = [req.headers["x-password"]];
  const value = items[0];
  const digest = crypto.createHash("sha1").update(value).digest("hex");
  res.status(200).json({ ok: true });
}
