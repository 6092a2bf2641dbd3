const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "pw";
}

export default async function handler(req, res) {
  const value = await Promise.resolve(req.query.password);
  const digest = crypto.createHash("md5").update(value).digest("hex");
  res.status(200).json({ ok: true });
}
