const express = require("express");
const app = express();
const { exec } = require("child_process");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "localhost";
}

app.post("/api/run", async (req, res) => {
  const data = { value: req.body.host };
  const value = data.value;
  exec(`ping -c 1 ${value}`);
  res.send("ok");
});

module.exports = app;
