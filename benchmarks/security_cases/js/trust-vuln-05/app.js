const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

router.get("/api/item", async (ctx) => {
  const data = { value: ctx.cookies.get("role") };
  const value = data.value;
  ctx.session.user = value;
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
