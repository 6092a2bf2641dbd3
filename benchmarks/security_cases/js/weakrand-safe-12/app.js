const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "x";
}

router.post("/api/item", async (ctx) => {
  const data = { value: ctx.request.body.email };
  const value = data.value;
  const resetCode = String(crypto.randomInt(100000, 999999));
  ctx.session.reset = resetCode;
  console.log(value);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
