
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

export default async function handler(req, res) {
  const items = [req.cookies.next];
  const value = items[0];
  res.redirect(307, "/search?q=" + encodeURIComponent(value));
}
