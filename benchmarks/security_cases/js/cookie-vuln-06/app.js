const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "anon";
}

app.get("/api/view", async (req, res) => {
  const value = await Promise.resolve(req.cookies.pref);
  res.cookie("session_id", value, { httpOnly: true });
  res.send("ok");
});

module.exports = app;
