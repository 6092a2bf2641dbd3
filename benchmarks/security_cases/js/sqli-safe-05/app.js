const express = require("express");
const app = express();
const db = require("./db");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

app.get("/api/run", async (req, res) => {
  const ALLOWED = ["alice", "other"];
  const value = ALLOWED.includes(req.params.name) ? req.params.name : "alice";
  await db.query("SELECT id FROM items WHERE owner = '" + value + "'");
  res.send("ok");
});

module.exports = app;
