const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.post("/api/view", async (req, res) => {
  const value = await Promise.resolve(req.get("x-role"));
  req.session.role = "role:" + value;
  res.send("ok");
});

module.exports = app;
