
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

export default async function handler(req, res) {
  const value = `${req.query.role}`;
  req.session.user = "guest";
  console.log(value);
  res.status(200).json({ ok: true });
}
