const { serialize } = require("cookie");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "anon";
}

export default async function handler(req, res) {
  const { pref: value } = { pref: req.query.pref };
  res.setHeader("Set-Cookie", serialize("session_id", value, { httpOnly: true }));
  res.end("ok");
}
