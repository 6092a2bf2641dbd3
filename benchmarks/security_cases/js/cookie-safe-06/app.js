const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "anon";
}

app.get("/api/view", async (req, res) => {
  const value = String(req.body.pref).trim();
  res.cookie("session_id", value, { secure: true, httpOnly: true, sameSite: "lax" });
  res.send("ok");
});

module.exports = app;
