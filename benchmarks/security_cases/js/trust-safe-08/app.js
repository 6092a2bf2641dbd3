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

router.post("/api/item", async (ctx) => {
  const { role: value } = { role: ctx.query.role };
  ctx.session.user = "guest";
  console.log(value);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
