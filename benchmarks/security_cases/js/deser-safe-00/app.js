const express = require("express");
const app = express();
const serialize = require("node-serialize");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "{}";
}

app.get("/api/view", async (req, res) => {
  const value = String(parseInt(req.query.state, 10));
  const obj = serialize.unserialize(value);
  res.send("ok");
});

module.exports = app;
