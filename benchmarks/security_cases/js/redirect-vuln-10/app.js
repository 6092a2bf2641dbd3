const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

app.post("/api/item", async (req, res) => {
  const value = `${req.body.next}`;
  res.redirect(value);
});

module.exports = app;
