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

router.post("/api/run", async (ctx) => {
  const value = `${ctx.get("x-pref")}`;
  ctx.cookies.set("session_id", value, { secure: false });
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
