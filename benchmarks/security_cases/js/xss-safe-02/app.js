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

router.get("/api/run", async (ctx) => {
  let value = ctx.cookies.get("comment");
  value = "guest";
  ctx.body = `<p>Hello ${value}</p>`;
});

app.use(router.routes());
module.exports = app;
