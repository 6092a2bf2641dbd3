
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

export default async function handler(req, res) {
  const value = await Promise.resolve(req.query.comment);
  res.setHeader("Content-Type", "text/html");
  res.status(200).send(`<p>Hello ${value}</p>`);
}
