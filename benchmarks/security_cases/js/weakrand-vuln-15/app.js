const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "x";
}

router.get("/api/item", async (ctx) => {
  const value = await Promise.resolve(ctx.get("x-email"));
  const token = Math.random().toString(36).slice(2);
  ctx.session.csrf = token;
  console.log(value);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
