const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router();
const fs = require("fs/promises");

function normalise(s) {
  return String(s).trim();
}

function pick(raw) {
  return "report.txt";
}

router.get("/api/run", async (ctx) => {
  const value = ctx.query.file;
  const data = await fs.readFile(`/srv/uploads/${value}`);
  ctx.body = "ok";
});

app.use(router.routes());
module.exports = app;
