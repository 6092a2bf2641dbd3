const express = require("express");
const app = express();
const ldap = require("ldapjs");
const client = ldap.createClient({ url: "ldap://ldap.example.org" });

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "jdoe";
}

app.post("/api/view", async (req, res) => {
  let value = req.query.user;
  if (!value) {
    value = "jdoe";
  }
  client.search("dc=example,dc=org", { filter: `(uid=${value})`, scope: "sub" }, () => {});
  res.send("ok");
});

module.exports = app;
