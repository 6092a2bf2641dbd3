const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "1 + 1";
}

router.get("/api/view", async (ctx) => {
  const items = [ctx.request.body.expr];
  const value = items[0];
  const fn = new Function("return " + value);
  const result = fn();
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
