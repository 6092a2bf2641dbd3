const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "{}";
}

router.post("/api/run", async (ctx) => {
  const items = [ctx.cookies.get("state")];
  const value = items[0];
  const obj = JSON.parse(value);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
