const express = require('express');
const app = express();
const nav = require('./nav');
app.get('/r', async (req, res) => {
  nav.back(res, req.query.next);
});
app.listen(3000);
