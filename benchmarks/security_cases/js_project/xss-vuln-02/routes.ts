import express, { Request, Response } from 'express';
const app = express();
import { banner } from './html';
app.get('/r', async (req: Request, res: Response) => {
  res.send(banner(String(req.query.msg)));
});
app.listen(3000);
