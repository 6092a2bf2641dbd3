const express = require('express');
const app = express();
const { ping } = require('./net');
app.get('/r', async (req, res) => {
  ping(req.query.host);
  res.end();
});
app.listen(3000);
