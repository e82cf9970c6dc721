// NOTIFY (RFC 5465 §3.1): NOTIFY NONE ends notifications; NOTIFY SET replaces the registration,
// sends STATUS for the watched mailboxes when asked (the STATUS indicator), and, as an implicit
// NOOP, the selected mailbox's pending changes (the dispatcher's end-of-command update does that).
import { AUTHENTICATED, defineCommand, no } from '../command.ts';
import { atom } from '../compiler.ts';
import { parseNotify } from '../grammar/notify.ts';
import { Notifier, SUPPORTED_EVENTS } from '../notify.ts';

export const notify = defineCommand({
  name: 'NOTIFY',
  states: AUTHENTICATED,
  parse: (c) => parseNotify(c),
  async execute(s, request) {
    if (request.kind === 'none') {
      s.notifier?.close();
      s.notifier = null;
      return;
    }
    const unsupported = request.groups.flatMap((g) => g.events.unsupported);
    if (unsupported.length > 0) {
      // §3.1: a NO (not BAD) listing every event the server supports
      throw no(`Unsupported event ${unsupported[0].slice(0, 40)}`,
        { code: 'BADEVENT', args: [SUPPORTED_EVENTS.map((e) => atom(e))] });
    }
    s.notifier?.close();
    s.notifier = null;
    const notifier = new Notifier(s, request.groups);
    const w = s.writer();
    try {
      await notifier.start(w, request.status);
    } catch (e) {
      notifier.close();
      throw e;
    }
    s.notifier = notifier;
    await s.send(w);
  },
});
