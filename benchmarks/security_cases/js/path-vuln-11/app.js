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

app.get("/api/view", async (req, res) => {
  const items = [req.body.file];
  const value = items[0];
  const data = fs.readFileSync(path.join(BASE, value), "utf8");
  res.send("ok");
});

module.exports = app;
