
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "1 + 1";
}

export default async function handler(req, res) {
  const ALLOWED = ["1 + 1", "other"];
  const value = ALLOWED.includes(req.body.expr) ? req.body.expr : "1 + 1";
  const result = eval(value);
  res.status(200).json({ ok: true });
}
