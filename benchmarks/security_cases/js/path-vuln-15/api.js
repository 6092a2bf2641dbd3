const fs = require("fs/promises");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "report.txt";
}

export default async function handler(req, res) {
  const value = `${req.cookies.file}`;
  const data = await fs.readFile(`/srv/uploads/${value}`);
  res.status(200).json({ ok: true });
}
