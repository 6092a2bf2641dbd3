import express from 'express';
const app = express();
import { target } from './urls.mjs';
app.get('/r', async (req, res) => {
  res.redirect(target(req.query.returnTo));
});
app.listen(3000);
