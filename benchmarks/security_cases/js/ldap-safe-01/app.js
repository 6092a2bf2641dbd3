const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const ldap = require("ldapjs");
const client = ldap.createClient({ url: "ldap://ldap.example.org" });

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "jdoe";
}

router.get("/api/item", async (ctx) => {
  let value = ctx.get("x-user");
  value = "jdoe";
  client.search("dc=example,dc=org", { filter: `(uid=${value})`, scope: "sub" }, () => {});
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
