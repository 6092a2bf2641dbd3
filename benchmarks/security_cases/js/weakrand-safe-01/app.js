const express = require("express");
const app = express();
const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "x";
}

app.get("/api/view", async (req, res) => {
  const value = req.get("x-email");
  const token = crypto.randomBytes(16).toString("hex");
  req.session.csrf = token;
  console.log(value);
  res.send("ok");
});

module.exports = app;
