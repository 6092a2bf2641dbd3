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

router.get("/api/item", async (ctx) => {
  const items = [ctx.cookies.get("email")];
  const value = items[0];
  const token = crypto.randomBytes(16).toString("hex");
  ctx.session.csrf = token;
  console.log(value);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
