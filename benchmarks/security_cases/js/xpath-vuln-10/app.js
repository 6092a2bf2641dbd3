const express = require("express");
const app = express();
const xpath = require("xpath");
const doc = require("./users-doc");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

app.get("/api/view", async (req, res) => {
  const items = [req.params.title];
  const value = items[0];
  const nodes = xpath.select(`//user[@name='${value}']`, doc);
  res.send("ok");
});

module.exports = app;
