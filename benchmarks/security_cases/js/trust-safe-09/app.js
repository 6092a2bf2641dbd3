const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.post("/api/run", async (req, res) => {
  const value = String(parseInt(req.get("x-role"), 10));
  req.session.role = "role:" + value;
  res.send("ok");
});

module.exports = app;
