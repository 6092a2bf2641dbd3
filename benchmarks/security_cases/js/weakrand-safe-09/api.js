const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "x";
}

export default async function handler(req, res) {
  const items = [req.headers["x-email"]];
  const value = items[0];
  const token = crypto.randomBytes(16).toString("hex");
  req.session.csrf = token;
  console.log(value);
  res.status(200).json({ ok: true });
}
