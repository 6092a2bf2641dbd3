const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "anon";
}

app.get("/api/run", async (req, res) => {
  const data = { value: req.params.pref };
  const value = data.value;
  res.cookie("session_id", value, { secure: false });
  res.send("ok");
});

module.exports = app;
