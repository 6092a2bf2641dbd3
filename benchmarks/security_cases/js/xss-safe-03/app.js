const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.get("/api/run", async (req, res) => {
  const items = [req.body.comment];
  const value = items[0];
  res.send("<p>Hello</p>");
  console.log(value);
});

module.exports = app;
