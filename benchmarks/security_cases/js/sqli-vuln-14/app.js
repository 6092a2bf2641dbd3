const express = require("express");
const app = express();
const db = require("./db");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

app.post("/api/view", async (req, res) => {
  const value = normalise(req.params.name);
  await db.query("SELECT id FROM items WHERE owner = '" + value + "'");
  res.send("ok");
});

module.exports = app;
