
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

export default async function handler(req, res) {
  const value = String(req.body.next).trim();
  res.redirect(307, value);
}
