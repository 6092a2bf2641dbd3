const express = require("express");
const app = express();
const db = require("./db");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

app.post("/api/run", async (req, res) => {
  const data = { value: req.body.name };
  const value = data.value;
  await db.query("SELECT id FROM items WHERE owner = '" + value + "'");
  res.send("ok");
});

module.exports = app;
