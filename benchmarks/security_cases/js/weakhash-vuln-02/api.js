const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "pw";
}

export default async function handler(req, res) {
  const value = `${req.cookies.password}`;
  const digest = crypto.createHash("sha1").update(value).digest("hex");
  res.status(200).json({ ok: true });
}
