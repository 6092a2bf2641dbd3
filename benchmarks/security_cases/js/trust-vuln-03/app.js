const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.post("/api/run", async (req, res) => {
  let value = req.query.role;
  if (!value) {
    value = "guest";
  }
  req.session.role = "role:" + value;
  res.send("ok");
});

module.exports = app;
