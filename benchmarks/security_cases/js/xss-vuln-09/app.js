const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.post("/api/item", async (req, res) => {
  let value = req.cookies.comment;
  if (!value) {
    value = "guest";
  }
  res.send(`<p>Hello ${value}</p>`);
});

module.exports = app;
