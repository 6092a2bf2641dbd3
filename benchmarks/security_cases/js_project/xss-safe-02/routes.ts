import express, { Request, Response } from 'express';
const app = express();
import { banner } from './html';
app.get('/r', async (req: Request, res: Response) => {
  res.send(banner('Welcome back'));
});
app.listen(3000);
