
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

export default async function handler(req, res) {
  const ALLOWED = ["guest", "other"];
  const value = ALLOWED.includes(req.cookies.role) ? req.cookies.role : "guest";
  req.session.role = "role:" + value;
  res.status(200).json({ ok: true });
}
