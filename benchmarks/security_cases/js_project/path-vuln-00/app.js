const express = require('express');
const app = express();
const load = require('./storage');
app.get('/r', async (req, res) => {
  res.send(load(req.params.name));
});
app.listen(3000);
