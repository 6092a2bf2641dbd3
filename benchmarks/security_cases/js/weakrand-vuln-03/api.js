
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "x";
}

export default async function handler(req, res) {
  let value = req.headers["x-email"];
  if (!value) {
    value = "x";
  }
  const resetCode = String(Math.floor(Math.random() * 900000) + 100000);
  req.session.reset = resetCode;
  console.log(value);
  res.status(200).json({ ok: true });
}
