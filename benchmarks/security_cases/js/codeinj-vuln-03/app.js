const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "1 + 1";
}

app.get("/api/item", async (req, res) => {
  const value = `${req.params.expr}`;
  const result = eval(value);
  res.send("ok");
});

module.exports = app;
