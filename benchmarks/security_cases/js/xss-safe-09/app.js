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
  const data = { value: ctx.params.comment };
  const value = data.value;
  ctx.body = `<p>Hello ${escapeHtml(value)}</p>`;
});

app.use(router.routes());
module.exports = app;
