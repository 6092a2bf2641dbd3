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
  const ALLOWED = ["guest", "other"];
  const value = ALLOWED.includes(ctx.params.role) ? ctx.params.role : "guest";
  ctx.session.role = "role:" + value;
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
