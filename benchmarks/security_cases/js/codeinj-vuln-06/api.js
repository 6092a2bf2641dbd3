
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "1 + 1";
}

export default async function handler(req, res) {
  const data = { value: req.query.expr };
  const value = data.value;
  const fn = new Function("return " + value);
  const result = fn();
  res.status(200).json({ ok: true });
}
