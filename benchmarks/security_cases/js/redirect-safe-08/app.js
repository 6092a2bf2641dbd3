const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

app.post("/api/run", async (req, res) => {
  const ALLOWED = ["/home", "other"];
  const value = ALLOWED.includes(req.query.next) ? req.query.next : "/home";
  res.redirect(value);
});

module.exports = app;
