import express, { Request, Response } from 'express';
const app = express();
import { findOrders } from './repo';
app.get('/r', async (req: Request, res: Response) => {
  res.json(await findOrders(String(req.query.status)));
});
app.listen(3000);
