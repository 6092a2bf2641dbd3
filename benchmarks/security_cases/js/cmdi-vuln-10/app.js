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
  const value = await Promise.resolve(req.get("x-host"));
  spawn("sh", ["-c", "tar czf /tmp/b.tgz " + value]);
  res.send("ok");
});

module.exports = app;
