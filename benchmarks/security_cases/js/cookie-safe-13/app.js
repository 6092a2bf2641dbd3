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

router.post("/api/view", async (ctx) => {
  let value = ctx.params.pref;
  if (!value) {
    value = "anon";
  }
  ctx.cookies.set("session_id", value, { secure: true, httpOnly: true, sameSite: "lax" });
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
