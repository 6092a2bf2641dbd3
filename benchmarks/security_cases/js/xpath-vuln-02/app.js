const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const xpath = require("xpath");
const doc = require("./users-doc");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "alice";
}

router.get("/api/run", async (ctx) => {
  const value = normalise(ctx.get("x-title"));
  const nodes = xpath.select(`//user[@name='${value}']`, doc);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
