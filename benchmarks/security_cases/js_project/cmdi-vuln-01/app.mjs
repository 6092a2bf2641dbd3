import express from 'express';
const app = express();
import archive from './archive.mjs';
app.get('/r', async (req, res) => {
  archive(req.body.dir);
  res.end();
});
app.listen(3000);
