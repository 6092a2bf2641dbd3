const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "x";
}

app.post("/api/run", async (req, res) => {
  const items = [req.get("x-email")];
  const value = items[0];
  const resetCode = String(Math.floor(Math.random() * 900000) + 100000);
  req.session.reset = resetCode;
  console.log(value);
  res.send("ok");
});

module.exports = app;
