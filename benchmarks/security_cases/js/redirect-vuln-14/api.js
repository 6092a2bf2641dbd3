
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

export default async function handler(req, res) {
  const value = `${req.cookies.next}`;
  res.redirect(307, `https://${value}/login`);
}
