const fs = require("fs/promises");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "report.txt";
}

export default async function handler(req, res) {
  const value = String(req.query.file).trim();
  const data = await fs.readFile("/srv/uploads/report.txt");
  console.log(value);
  res.status(200).json({ ok: true });
}
