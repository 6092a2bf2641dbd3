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

router.post("/api/run", async (ctx) => {
  const ALLOWED = ["alice", "other"];
  const value = ALLOWED.includes(ctx.params.title) ? ctx.params.title : "alice";
  const nodes = xpath.select(`//user[@name='${value}']`, doc);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
