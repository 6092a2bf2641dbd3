const express = require("express");
const app = express();
const libxmljs = require("libxmljs");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "<a/>";
}

app.get("/api/item", async (req, res) => {
  let value = req.get("x-xml");
  if (!value) {
    value = "<a/>";
  }
  const doc = libxmljs.parseXml(value);
  res.send("ok");
});

module.exports = app;
