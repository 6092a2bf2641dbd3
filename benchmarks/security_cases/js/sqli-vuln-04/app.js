const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const db = require("./db");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

router.get("/api/view", async (ctx) => {
  const value = String(ctx.get("x-name")).trim();
  await db.query("SELECT id FROM items WHERE owner = '" + value + "'");
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
