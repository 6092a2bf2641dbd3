const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

app.get("/api/view", async (req, res) => {
  const value = `${req.get("x-next")}`;
  res.redirect(`https://${value}/login`);
});

module.exports = app;
