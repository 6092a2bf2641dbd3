const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "/home";
}

router.post("/api/view", async (ctx) => {
  let value = ctx.get("x-next");
  value = "/home";
  ctx.redirect(value);
});

app.use(router.routes());
module.exports = app;
