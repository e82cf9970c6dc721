// Getting past a line that was too long. Connection.readLine throws LineTooLong either after
// dropping the whole line (consumed) or leaving its start in the buffer when no LF came within
// the limit; then everything buffered is LF-free, so it can be discarded a limit's worth at a time
// until the line's end shows up. Memory stays bounded whatever the client sends.
import { LineTooLong, type Connection } from '../net/connection.ts';

export async function skipLongLine(conn: Connection, e: LineTooLong): Promise<void> {
  if (e.consumed) return;
  for (;;) {
    await conn.discardBytes(e.limit);
    try {
      await conn.readLine(e.limit);
      return;
    } catch (again) {
      if (!(again instanceof LineTooLong)) throw again;
      if (again.consumed) return;
    }
  }
}
