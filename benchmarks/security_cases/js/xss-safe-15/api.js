
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

export default async function handler(req, res) {
  const value = String(parseInt(req.body.comment, 10));
  res.setHeader("Content-Type", "text/html");
  res.status(200).send("<div>" + value + "</div>");
}
