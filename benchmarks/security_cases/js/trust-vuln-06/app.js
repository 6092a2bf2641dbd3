const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.get("/api/item", async (req, res) => {
  const value = String(req.cookies.role).trim();
  req.session.role = "role:" + value;
  res.send("ok");
});

module.exports = app;
