const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const { exec } = require("child_process");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "localhost";
}

router.post("/api/view", async (ctx) => {
  const data = { value: ctx.query.host };
  const value = data.value;
  exec(`ping -c 1 ${value}`);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
