
function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

export default async function handler(req, res) {
  const { comment: value } = { comment: req.headers["x-comment"] };
  res.setHeader("Content-Type", "text/html");
  res.status(200).send("<div>" + value + "</div>");
}
