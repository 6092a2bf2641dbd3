const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "guest";
}

router.post("/api/run", async (ctx) => {
  let value = ctx.params.comment;
  value = "guest";
  ctx.body = "<div>" + value + "</div>";
});

app.use(router.routes());
module.exports = app;
