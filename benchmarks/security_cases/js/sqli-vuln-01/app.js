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
  const items = [req.get("x-name")];
  const value = items[0];
  await db.query(`SELECT * FROM users WHERE name = '${value}'`);
  res.send("ok");
});

module.exports = app;
