const express = require('express');
const app = express();
const view = require('./view');
app.get('/r', async (req, res) => {
  res.send(view.greeting(req.query.name));
});
app.listen(3000);
