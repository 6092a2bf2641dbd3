
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

export default async function handler(req, res) {
  const value = String(parseInt(req.cookies.next, 10));
  res.redirect(307, `https://${value}/login`);
}
