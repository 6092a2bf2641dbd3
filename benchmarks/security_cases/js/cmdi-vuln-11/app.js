const express = require("express");
const app = express();
const { spawn } = require("child_process");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "localhost";
}

app.get("/api/view", async (req, res) => {
  const value = normalise(req.body.host);
  spawn("sh", ["-c", "tar czf /tmp/b.tgz " + value]);
  res.send("ok");
});

module.exports = app;
