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

router.post("/api/view", async (ctx) => {
  const value = ctx.params.role;
  ctx.session.role = "role:" + value;
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
