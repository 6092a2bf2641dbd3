const express = require("express");
const app = express();
const escapeHtml = require("escape-html");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.get("/api/view", async (req, res) => {
  const value = req.get("x-comment");
  res.send(`<p>Hello ${escapeHtml(value)}</p>`);
});

module.exports = app;
