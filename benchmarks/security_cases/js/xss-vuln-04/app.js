const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.post("/api/run", async (req, res) => {
  const { comment: value } = { comment: req.cookies.comment };
  res.send("<div>" + value + "</div>");
});

module.exports = app;
