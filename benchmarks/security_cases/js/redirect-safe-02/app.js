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

router.get("/api/view", async (ctx) => {
  const data = { value: ctx.query.next };
  const value = data.value;
  ctx.redirect("/home");
  console.log(value);
});

app.use(router.routes());
module.exports = app;
