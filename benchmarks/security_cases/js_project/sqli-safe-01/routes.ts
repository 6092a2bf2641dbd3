import express, { Request, Response } from 'express';
const app = express();
import { findOrders } from './repo';
app.get('/r', async (req: Request, res: Response) => {
  res.json(await findOrders('shipped'));
});
app.listen(3000);
