const { serialize } = require("cookie");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "anon";
}

export default async function handler(req, res) {
  const value = String(req.cookies.pref).trim();
  res.setHeader("Set-Cookie", serialize("session_id", value, { secure: true, httpOnly: true, sameSite: "lax" }));
  res.end("ok");
}
