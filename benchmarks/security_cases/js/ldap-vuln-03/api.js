const ldap = require("ldapjs");
const client = ldap.createClient({ url: "ldap://ldap.example.org" });

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "jdoe";
}

export default async function handler(req, res) {
  const value = await Promise.resolve(req.query.user);
  client.search("dc=example,dc=org", { filter: `(uid=${value})`, scope: "sub" }, () => {});
  res.status(200).json({ ok: true });
}
