const express = require("express");
const app = express();
const fs = require("fs/promises");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "report.txt";
}

app.get("/api/view", async (req, res) => {
  const value = normalise(req.body.file);
  const data = await fs.readFile(`/srv/uploads/${value}`);
  res.send("ok");
});

module.exports = app;
