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

router.post("/api/item", async (ctx) => {
  const value = pick(ctx.cookies.get("name"));
  await db.query(`SELECT * FROM users WHERE name = '${value}'`);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
