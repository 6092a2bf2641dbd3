
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "1 + 1";
}

export default async function handler(req, res) {
  const value = normalise(req.query.expr);
  const result = eval(value);
  res.status(200).json({ ok: true });
}
