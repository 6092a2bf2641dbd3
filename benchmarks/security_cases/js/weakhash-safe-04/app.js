const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const crypto = require("crypto");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "pw";
}

router.get("/api/item", async (ctx) => {
  const value = `${ctx.params.password}`;
  const digest = crypto.createHash("sha256").update(value).digest("hex");
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
