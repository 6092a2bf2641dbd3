const express = require("express");
const app = express();
const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "pw";
}

app.post("/api/view", async (req, res) => {
  let value = req.params.password;
  if (!value) {
    value = "pw";
  }
  const digest = crypto.scryptSync(value, "salt-value", 64).toString("hex");
  res.send("ok");
});

module.exports = app;
