const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "anon";
}

app.post("/api/run", async (req, res) => {
  const { pref: value } = { pref: req.cookies.pref };
  res.cookie("session_id", value, { httpOnly: true });
  res.send("ok");
});

module.exports = app;
