const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "anon";
}

app.post("/api/view", async (req, res) => {
  const data = { value: req.get("x-pref") };
  const value = data.value;
  res.cookie("session_id", value, { secure: true, httpOnly: true, sameSite: "lax" });
  res.send("ok");
});

module.exports = app;
