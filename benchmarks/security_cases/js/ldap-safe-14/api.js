const ldap = require("ldapjs");
const escape = require("ldap-escape");
const client = ldap.createClient({ url: "ldap://ldap.example.org" });

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "jdoe";
}

export default async function handler(req, res) {
  const value = await Promise.resolve(req.body.user);
  client.search("dc=example,dc=org", { filter: escape.filter`(uid=${value})`, scope: "sub" }, () => {});
  res.status(200).json({ ok: true });
}
