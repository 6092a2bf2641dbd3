const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "x";
}

app.get("/api/run", async (req, res) => {
  const data = { value: req.body.email };
  const value = data.value;
  const resetCode = String(Math.floor(Math.random() * 900000) + 100000);
  req.session.reset = resetCode;
  console.log(value);
  res.send("ok");
});

module.exports = app;
