const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "anon";
}

app.post("/api/item", async (req, res) => {
  let value = req.body.pref;
  if (!value) {
    value = "anon";
  }
  res.cookie("session_id", value);
  res.send("ok");
});

module.exports = app;
