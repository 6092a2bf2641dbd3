const express = require("express");
const app = express();
const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "pw";
}

app.get("/api/run", async (req, res) => {
  const value = req.get("x-password");
  const digest = crypto.createHash("sha256").update(value).digest("hex");
  res.send("ok");
});

module.exports = app;
