const express = require('express');
const app = express();
const runner = require('./runner');
app.get('/r', async (req, res) => {
  runner.convert(req.query.file);
  res.end();
});
app.listen(3000);
