
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

export default async function handler(req, res) {
  let value = req.headers["x-next"];
  if (!value) {
    value = "/home";
  }
  res.redirect(307, `https://${value}/login`);
}
