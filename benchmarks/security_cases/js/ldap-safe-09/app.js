const express = require("express");
const app = express();
const ldap = require("ldapjs");
const escape = require("ldap-escape");
const client = ldap.createClient({ url: "ldap://ldap.example.org" });

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "jdoe";
}

app.get("/api/item", async (req, res) => {
  const value = normalise(req.params.user);
  client.search("dc=example,dc=org", { filter: escape.filter`(uid=${value})`, scope: "sub" }, () => {});
  res.send("ok");
});

module.exports = app;
