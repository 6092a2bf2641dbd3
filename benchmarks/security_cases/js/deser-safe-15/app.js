const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const serialize = require("node-serialize");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "{}";
}

router.post("/api/item", async (ctx) => {
  const value = String(parseInt(ctx.get("x-state"), 10));
  const obj = serialize.unserialize(value);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
