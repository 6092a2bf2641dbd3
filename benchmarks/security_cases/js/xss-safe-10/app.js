const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const escapeHtml = require("escape-html");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

router.get("/api/item", async (ctx) => {
  const value = ctx.cookies.get("comment");
  ctx.body = `<p>Hello ${escapeHtml(value)}</p>`;
});

app.use(router.routes());
module.exports = app;
