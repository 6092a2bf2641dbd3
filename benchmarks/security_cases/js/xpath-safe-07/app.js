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

router.post("/api/view", async (ctx) => {
  const items = [ctx.request.body.title];
  const value = items[0];
  const nodes = xpath.select("//user[@name=$name]", doc, false, { name: value });
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
