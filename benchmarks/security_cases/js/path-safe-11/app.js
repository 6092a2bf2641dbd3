const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const fs = require("fs");
const path = require("path");
const BASE = "/srv/files";

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "report.txt";
}

router.get("/api/run", async (ctx) => {
  const value = await Promise.resolve(ctx.cookies.get("file"));
  const data = fs.readFileSync(path.join(BASE, path.basename(value)), "utf8");
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
