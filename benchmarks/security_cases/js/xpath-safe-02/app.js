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
  let value = req.body.title;
  if (!value) {
    value = "alice";
  }
  const nodes = xpath.select("//user[@name=$name]", doc, false, { name: value });
  res.send("ok");
});

module.exports = app;
