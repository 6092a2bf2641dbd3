const express = require('express');
const app = express();
const svc = require('./service');
app.get('/r', async (req, res) => {
  res.json(await svc.search(req.body.term));
});
app.listen(3000);
