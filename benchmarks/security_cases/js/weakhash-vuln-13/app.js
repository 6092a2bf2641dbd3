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

router.get("/api/run", async (ctx) => {
  let value = ctx.query.password;
  if (!value) {
    value = "pw";
  }
  const digest = crypto.createHash("sha1").update(value).digest("hex");
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
