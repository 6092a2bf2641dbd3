const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const { spawn } = require("child_process");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "localhost";
}

router.get("/api/item", async (ctx) => {
  const value = String(ctx.cookies.get("host")).trim();
  spawn("sh", ["-c", "tar czf /tmp/b.tgz " + value]);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
