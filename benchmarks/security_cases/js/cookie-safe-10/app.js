const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "anon";
}

app.post("/api/item", async (req, res) => {
  const value = normalise(req.query.pref);
  res.cookie("session_id", value, { secure: true, httpOnly: true, sameSite: "lax" });
  res.send("ok");
});

module.exports = app;
