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

router.get("/api/item", async (ctx) => {
  const value = String(parseInt(ctx.params.next, 10));
  ctx.redirect(value);
});

app.use(router.routes());
module.exports = app;
