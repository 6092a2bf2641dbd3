
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

export default async function handler(req, res) {
  const ALLOWED = ["/home", "other"];
  const value = ALLOWED.includes(req.query.next) ? req.query.next : "/home";
  res.redirect(307, `https://${value}/login`);
}
