const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "pw";
}

router.get("/api/run", async (ctx) => {
  const items = [ctx.query.password];
  const value = items[0];
  const digest = crypto.scryptSync(value, "salt-value", 64).toString("hex");
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
