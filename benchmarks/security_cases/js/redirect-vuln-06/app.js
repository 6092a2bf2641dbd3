const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

app.get("/api/view", async (req, res) => {
  const items = [req.params.next];
  const value = items[0];
  res.redirect(`https://${value}/login`);
});

module.exports = app;
