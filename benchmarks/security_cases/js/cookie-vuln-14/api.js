const { serialize } = require("cookie");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "anon";
}

export default async function handler(req, res) {
  const value = String(req.query.pref).trim();
  res.setHeader("Set-Cookie", serialize("session_id", value));
  res.end("ok");
}
