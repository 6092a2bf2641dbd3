import express, { Request, Response } from 'express';
const app = express();
import { saveNote } from './notes';
app.get('/r', async (req: Request, res: Response) => {
  await saveNote(String(req.query.title), String(req.body));
  res.end();
});
app.listen(3000);
