const express = require("express");
const app = express();
const serialize = require("node-serialize");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "{}";
}

app.post("/api/view", async (req, res) => {
  const value = pick(req.params.state);
  const obj = serialize.unserialize(value);
  res.send("ok");
});

module.exports = app;
