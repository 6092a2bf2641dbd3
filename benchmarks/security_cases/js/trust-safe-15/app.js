const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.get("/api/run", async (req, res) => {
  const ALLOWED = ["guest", "other"];
  const value = ALLOWED.includes(req.body.role) ? req.body.role : "guest";
  req.session.role = "role:" + value;
  res.send("ok");
});

module.exports = app;
