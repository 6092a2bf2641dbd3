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

app.get("/api/item", async (req, res) => {
  const value = req.cookies.title;
  const nodes = xpath.select("//user[@name=$name]", doc, false, { name: value });
  res.send("ok");
});

module.exports = app;
