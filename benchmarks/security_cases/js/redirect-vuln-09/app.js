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

router.post("/api/item", async (ctx) => {
  let value = ctx.cookies.get("next");
  if (!value) {
    value = "/home";
  }
  ctx.redirect(value);
});

app.use(router.routes());
module.exports = app;
