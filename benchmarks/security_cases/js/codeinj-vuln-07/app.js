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

router.post("/api/item", async (ctx) => {
  const value = normalise(ctx.params.expr);
  const result = eval(value);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
