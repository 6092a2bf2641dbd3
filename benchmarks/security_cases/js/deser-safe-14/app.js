const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "{}";
}

app.get("/api/view", async (req, res) => {
  const data = { value: req.body.state };
  const value = data.value;
  const obj = JSON.parse(value);
  res.send("ok");
});

module.exports = app;
