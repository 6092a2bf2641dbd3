const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.post("/api/run", async (req, res) => {
  const value = String(parseInt(req.query.comment, 10));
  res.send(`<p>Hello ${value}</p>`);
});

module.exports = app;
