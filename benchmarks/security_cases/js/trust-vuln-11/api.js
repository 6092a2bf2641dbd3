
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

export default async function handler(req, res) {
  const { role: value } = { role: req.cookies.role };
  req.session.role = "role:" + value;
  res.status(200).json({ ok: true });
}
