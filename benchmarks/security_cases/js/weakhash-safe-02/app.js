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
  const data = { value: req.body.password };
  const value = data.value;
  const digest = crypto.scryptSync(value, "salt-value", 64).toString("hex");
  res.send("ok");
});

module.exports = app;
