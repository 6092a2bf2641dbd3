const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "x";
}

export default async function handler(req, res) {
  const value = String(req.headers["x-email"]).trim();
  const resetCode = String(crypto.randomInt(100000, 999999));
  req.session.reset = resetCode;
  console.log(value);
  res.status(200).json({ ok: true });
}
