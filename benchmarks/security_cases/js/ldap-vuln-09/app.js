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

app.get("/api/item", async (req, res) => {
  const items = [req.params.user];
  const value = items[0];
  client.search("dc=example,dc=org", { filter: `(uid=${value})`, scope: "sub" }, () => {});
  res.send("ok");
});

module.exports = app;
