const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const libxmljs = require("libxmljs");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "<a/>";
}

router.post("/api/view", async (ctx) => {
  const items = [ctx.params.xml];
  const value = items[0];
  const doc = libxmljs.parseXml(value);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
