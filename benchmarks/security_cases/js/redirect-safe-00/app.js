const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

app.post("/api/run", async (req, res) => {
  let value = req.get("x-next");
  value = "/home";
  res.redirect(value);
});

module.exports = app;
