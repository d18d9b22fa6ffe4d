import query from './views/notes.sql';
import style from './views/site.css';
import icon from './views/icon.svg';
import note from './views/note.txt';
export function assets() {
  return { query, style, icon, note, lengths: [query.length, note.length] };
}
