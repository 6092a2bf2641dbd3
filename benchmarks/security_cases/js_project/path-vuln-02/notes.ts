import { promises as fsp } from 'fs';
export async function saveNote(title: string, text: string) {
  await fsp.writeFile('/srv/notes/' + title, text);
}
