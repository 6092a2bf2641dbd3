
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

export default async function handler(req, res) {
  const data = { value: req.headers["x-next"] };
  const value = data.value;
  res.redirect(307, "/search?q=" + encodeURIComponent(value));
}
