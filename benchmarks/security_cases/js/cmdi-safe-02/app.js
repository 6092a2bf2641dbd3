const express = require("express");
const app = express();
const { spawn } = require("child_process");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "localhost";
}

app.get("/api/run", async (req, res) => {
  const data = { value: req.get("x-host") };
  const value = data.value;
  spawn("nslookup", [value]);
  res.send("ok");
});

module.exports = app;
