const express = require('express');
const app = express();
const files = require('./files');
app.get('/r', async (req, res) => {
  files.download(res, req.query.f);
});
app.listen(3000);
