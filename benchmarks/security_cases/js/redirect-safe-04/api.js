
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

export default async function handler(req, res) {
  const value = await Promise.resolve(req.cookies.next);
  res.redirect(307, "/search?q=" + encodeURIComponent(value));
}
