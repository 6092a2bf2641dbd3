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

router.post("/api/run", async (ctx) => {
  const value = pick(ctx.request.body.state);
  const obj = serialize.unserialize(value);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
