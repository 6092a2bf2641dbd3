const express = require("express");
const app = express();
const fs = require("fs/promises");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "report.txt";
}

app.post("/api/run", async (req, res) => {
  const value = String(req.get("x-file")).trim();
  const data = await fs.readFile(`/srv/uploads/${value}`);
  res.send("ok");
});

module.exports = app;
