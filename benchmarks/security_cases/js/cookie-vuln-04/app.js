const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "anon";
}

router.get("/api/view", async (ctx) => {
  const value = await Promise.resolve(ctx.query.pref);
  ctx.cookies.set("session_id", value, { httpOnly: true });
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
