const express = require("express");
const app = express();
const fs = require("fs");
const path = require("path");
const BASE = "/srv/files";

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "report.txt";
}

app.get("/api/run", async (req, res) => {
  const value = normalise(req.body.file);
  const data = fs.readFileSync(path.join(BASE, value), "utf8");
  res.send("ok");
});

module.exports = app;
