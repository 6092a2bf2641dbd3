const express = require('express');
const app = express();
const { page } = require('./page');
app.get('/r', async (req, res) => {
  page(res, req.query.q);
});
app.listen(3000);
