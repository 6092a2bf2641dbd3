const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "x";
}

router.post("/api/run", async (ctx) => {
  const value = `${ctx.cookies.get("email")}`;
  const resetCode = String(Math.floor(Math.random() * 900000) + 100000);
  ctx.session.reset = resetCode;
  console.log(value);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
