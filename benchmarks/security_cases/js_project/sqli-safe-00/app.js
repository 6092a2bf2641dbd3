const express = require('express');
const app = express();
const users = require('./users');
app.get('/r', async (req, res) => {
  res.json(await users.byName(req.query.name));
});
app.listen(3000);
