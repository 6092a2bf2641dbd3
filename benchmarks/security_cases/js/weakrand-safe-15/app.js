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
  const { email: value } = { email: req.cookies.email };
  const resetCode = String(crypto.randomInt(100000, 999999));
  req.session.reset = resetCode;
  console.log(value);
  res.send("ok");
});

module.exports = app;
