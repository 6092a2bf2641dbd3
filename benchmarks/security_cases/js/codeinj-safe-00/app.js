const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "1 + 1";
}

app.post("/api/item", async (req, res) => {
  const data = { value: req.query.expr };
  const value = data.value;
  const result = JSON.parse(value);
  res.send("ok");
});

module.exports = app;
