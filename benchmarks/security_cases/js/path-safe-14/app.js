const express = require("express");
const app = express();
const fs = require("fs/promises");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "report.txt";
}

app.get("/api/item", async (req, res) => {
  const { file: value } = { file: req.query.file };
  const data = await fs.readFile("/srv/uploads/report.txt");
  console.log(value);
  res.send("ok");
});

module.exports = app;
