
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "x";
}

export default async function handler(req, res) {
  const value = await Promise.resolve(req.headers["x-email"]);
  const token = Math.random().toString(36).slice(2);
  req.session.csrf = token;
  console.log(value);
  res.status(200).json({ ok: true });
}
