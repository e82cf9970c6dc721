// RFC 1939 §4 asks for an exclusive lock on the maildrop while a POP3 session is in the
// TRANSACTION state; RFC 2449 §8.1.1 gives the reply for a second session: -ERR [IN-USE].
//
// The lock is held in this process's memory, per server (ServerContext):
//  - a PostgreSQL advisory lock would have to stay on one pooled connection for the whole session,
//    so a handful of idle POP3 clients would take every database handle (db-max-handles);
//  - a lease row in the database needs an expiry and leaves stale locks behind a crashed process;
//  - the in-memory lock is released whenever the connection ends, however it ends.
// aox runs one server process, so this covers the real case: two fetchmail runs overlapping, or a
// phone and a desktop polling the same account. Were several frontend processes to serve one
// database, a second session there would not see this lock; it would still be correct, only not
// exclusive: each session works on its own snapshot of UIDs, DELE of a message the other session
// already removed is a no-op, and RETR of it answers -ERR. IMAP sessions are never locked out
// (they could always expunge under a POP3 session), which is why correctness never relied on it.
import type { ServerContext } from '../context.ts';

const held = new WeakMap<ServerContext, Set<number>>();

/** Takes the maildrop lock of a user; returns its release function, or null if it is held. */
export function lockMaildrop(ctx: ServerContext, user: number): (() => void) | null {
  let set = held.get(ctx);
  if (!set) held.set(ctx, (set = new Set()));
  if (set.has(user)) return null;
  set.add(user);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    set.delete(user);
  };
}
