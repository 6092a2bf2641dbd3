const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.post("/api/view", async (req, res) => {
  const value = normalise(req.body.comment);
  res.send(`<p>Hello ${value}</p>`);
});

module.exports = app;
