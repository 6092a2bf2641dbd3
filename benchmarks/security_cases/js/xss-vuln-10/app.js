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
  const value = `${ctx.cookies.get("comment")}`;
  ctx.body = `<p>Hello ${value}</p>`;
});

app.use(router.routes());
module.exports = app;
