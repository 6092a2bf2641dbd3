const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.get("/api/run", async (req, res) => {
  const value = `${req.params.role}`;
  req.session.role = "role:" + value;
  res.send("ok");
});

module.exports = app;
