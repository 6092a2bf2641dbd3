const express = require('express');
const app = express();
const { clean } = require('./sanitize');
app.get('/r', async (req, res) => {
  res.send(`<p>Results for ${clean(req.query.q)}</p>`);
});
app.listen(3000);
