const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.get("/api/run", async (req, res) => {
  let value = req.cookies.role;
  value = "guest";
  req.session.user = value;
  res.send("ok");
});

module.exports = app;
