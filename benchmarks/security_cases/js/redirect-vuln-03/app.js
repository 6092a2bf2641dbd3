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
  const { next: value } = { next: ctx.cookies.get("next") };
  ctx.redirect(`https://${value}/login`);
});

app.use(router.routes());
module.exports = app;
