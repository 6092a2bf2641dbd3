const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.post("/api/item", async (req, res) => {
  const value = req.body.role;
  req.session.role = "role:" + value;
  res.send("ok");
});

module.exports = app;
