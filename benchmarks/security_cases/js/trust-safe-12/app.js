const express = require("express");
const app = express();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

app.post("/api/item", async (req, res) => {
  const data = { value: req.params.role };
  const value = data.value;
  req.session.user = "guest";
  console.log(value);
  res.send("ok");
});

module.exports = app;
