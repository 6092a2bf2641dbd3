const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

app.get("/api/item", async (req, res) => {
  const { next: value } = { next: req.get("x-next") };
  res.redirect("/search?q=" + encodeURIComponent(value));
});

module.exports = app;
