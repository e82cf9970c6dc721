// IDLE (RFC 2177): after "+ idling" the client waits for news until it sends DONE. Changes by
// other sessions are pushed as they are noticed (a notification, the safety poll, a listener
// resync); EXPUNGE is allowed here. A failed look at the database is retried on a timer, so an
// idling client is never left silently stale.
import { LineTooLong } from '../../net/connection.ts';
import { MAX_LINE } from '../../net/limits.ts';
import { AUTHENTICATED, defineCommand, type CommandResult } from '../command.ts';
import { sessionTiming, type Session } from '../session.ts';

/** RFC 5465 §4: while idling, exactly the events NOTIFY asked for are sent. */
async function idleWithNotify(s: Session): Promise<CommandResult> {
  const notifier = s.notifier;
  if (!notifier) throw new Error('no NOTIFY registration');
  await s.continuation('idling');
  s.idling = true;
  notifier.open('idle');
  try {
    const got = await s.conn.readLine(MAX_LINE);
    if (got.toString('latin1').trim().toUpperCase() === 'DONE') return { status: 'OK', text: 'IDLE terminated' };
    return { status: 'BAD', text: 'Expected DONE' };
  } catch (e) {
    if (e instanceof LineTooLong) return { status: 'BAD', text: 'Expected DONE' };
    throw e;
  } finally {
    await notifier.shut();
    s.idling = false;
  }
}

export const idle = defineCommand({
  name: 'IDLE',
  states: AUTHENTICATED,
  parse: (c) => c.end(),
  async execute(s): Promise<CommandResult> {
    if (s.notifier) return idleWithNotify(s);
    const box = s.selected;
    await s.continuation('idling');
    s.idling = true;
    let woken = false;
    let wake: () => void = () => undefined;
    let retry: NodeJS.Timeout | null = null;
    const waker = () => {
      woken = true;
      wake();
    };
    box?.setWaker(waker);
    const line = s.conn.readLine(MAX_LINE);
    line.catch(() => undefined);
    try {
      if (box) woken = true;
      for (;;) {
        const woke = new Promise<null>((resolve) => {
          wake = () => resolve(null);
          if (woken) resolve(null);
        });
        const got = await Promise.race([line, woke]);
        if (got === null) {
          woken = false;
          if (!box) continue;
          try {
            await box.update(true);
          } catch (e) {
            s.log.warn({ err: e }, 'could not fetch mailbox changes during IDLE; retrying');
            if (!retry) {
              retry = setTimeout(() => {
                retry = null;
                waker();
              }, sessionTiming.refreshRetryMs);
              retry.unref();
            }
          }
          continue;
        }
        if (got.toString('latin1').trim().toUpperCase() === 'DONE') return { status: 'OK', text: 'IDLE terminated' };
        return { status: 'BAD', text: 'Expected DONE' };
      }
    } catch (e) {
      if (e instanceof LineTooLong) return { status: 'BAD', text: 'Expected DONE' };
      throw e;
    } finally {
      s.idling = false;
      box?.setWaker(null);
      if (retry) clearTimeout(retry);
    }
  },
});
