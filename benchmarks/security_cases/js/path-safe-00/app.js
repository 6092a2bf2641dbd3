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
  const value = String(req.params.file).trim();
  const data = await fs.readFile("/srv/uploads/report.txt");
  console.log(value);
  res.send("ok");
});

module.exports = app;
