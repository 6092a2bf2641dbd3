const express = require("express");
const app = express();
const db = require("./db");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

app.get("/api/item", async (req, res) => {
  let value = req.body.name;
  if (!value) {
    value = "alice";
  }
  await db.query("SELECT id FROM items WHERE owner = $1", [value]);
  res.send("ok");
});

module.exports = app;
