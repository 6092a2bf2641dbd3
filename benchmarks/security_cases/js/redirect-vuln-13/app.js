const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

app.get("/api/item", async (req, res) => {
  let value = req.params.next;
  if (!value) {
    value = "/home";
  }
  res.redirect(`https://${value}/login`);
});

module.exports = app;
