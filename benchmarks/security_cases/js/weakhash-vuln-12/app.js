const express = require("express");
const app = express();
const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "pw";
}

app.post("/api/run", async (req, res) => {
  const value = `${req.query.password}`;
  const digest = crypto.createHash("sha1").update(value).digest("hex");
  res.send("ok");
});

module.exports = app;
