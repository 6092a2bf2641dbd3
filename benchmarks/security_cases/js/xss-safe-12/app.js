const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.get("/api/view", async (req, res) => {
  let value = req.params.comment;
  value = "guest";
  res.send("<div>" + value + "</div>");
});

module.exports = app;
