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

router.get("/api/item", async (ctx) => {
  const items = [ctx.request.body.comment];
  const value = items[0];
  ctx.body = "<p>Hello</p>";
  console.log(value);
});

app.use(router.routes());
module.exports = app;
