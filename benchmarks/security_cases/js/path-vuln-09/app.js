const express = require("express");
const app = express();
const fs = require("fs/promises");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "report.txt";
}

app.get("/api/run", async (req, res) => {
  const value = await Promise.resolve(req.get("x-file"));
  const data = await fs.readFile(`/srv/uploads/${value}`);
  res.send("ok");
});

module.exports = app;
