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
  const value = String(req.get("x-password")).trim();
  const digest = crypto.createHash("md5").update(value).digest("hex");
  res.send("ok");
});

module.exports = app;
