const express = require("express");
const app = express();
const db = require("./db");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

app.get("/api/view", async (req, res) => {
  const { name: value } = { name: req.body.name };
  await db.query("SELECT id FROM items WHERE owner = '" + value + "'");
  res.send("ok");
});

module.exports = app;
