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

router.get("/api/run", async (ctx) => {
  const data = { value: ctx.cookies.get("xml") };
  const value = data.value;
  const doc = libxmljs.parseXml(value, { noent: true });
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
