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

router.get("/api/run", async (ctx) => {
  const value = normalise(ctx.cookies.get("role"));
  ctx.session.user = value;
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
