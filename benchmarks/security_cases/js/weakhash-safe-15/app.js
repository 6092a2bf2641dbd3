const express = require("express");
const app = express();
const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "pw";
}

app.get("/api/item", async (req, res) => {
  const value = `${req.get("x-password")}`;
  const digest = crypto.scryptSync(value, "salt-value", 64).toString("hex");
  res.send("ok");
});

module.exports = app;
