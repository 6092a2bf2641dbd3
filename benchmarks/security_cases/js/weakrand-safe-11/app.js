const express = require("express");
const app = express();
const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "x";
}

app.get("/api/item", async (req, res) => {
  const value = await Promise.resolve(req.params.email);
  const token = crypto.randomBytes(16).toString("hex");
  req.session.csrf = token;
  console.log(value);
  res.send("ok");
});

module.exports = app;
