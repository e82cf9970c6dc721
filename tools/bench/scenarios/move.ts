// UID MOVE of half the big folder to another folder. Every run works on a fresh copy, so each run
// moves the same messages out of a folder in the same state: untimed, the run COPYs the big folder
// into a new folder, selects it, and afterwards deletes both folders. (Moving back and forth
// instead would change UIDs and layout from run to run.) Copies are cheap on both servers
// (hard links in maildir, shared rows in aox), and the copy is not what is measured.
import { quote } from '../imap-client.ts';
import { median, timed } from '../stats.ts';
import { row, sample, type Scenario } from '../scenario.ts';
import { BULK_TIMEOUT_MS, bigFolder } from '../session.ts';

export const scenario: Scenario = {
  name: 'move',
  measures: 'client-observed time of UID MOVE of the first half of a fresh copy of the big folder to an empty folder (EXPUNGE responses read); the copy and the clean-up are untimed',
  rows: [{ id: 'move', label: 'UID MOVE half the folder', unit: 'ms', better: 'lower' }],
  needs: ['imap'],
  async run(t, ctx) {
    return {
      move: await row(async () => {
        const { c } = await bigFolder(t);
        let moved = 0;
        try {
          const samples = await sample(ctx, async (run) => {
            const src = `bench-move-src-${run + 100}`;
            const dst = `bench-move-dst-${run + 100}`;
            await c.ok('SELECT INBOX', { timeoutMs: BULK_TIMEOUT_MS });
            await c.ok(`CREATE ${quote(src)}`);
            await c.ok(`CREATE ${quote(dst)}`);
            try {
              await c.ok(`COPY 1:* ${quote(src)}`, { timeoutMs: BULK_TIMEOUT_MS });
              const n = await c.select(src, false, { timeoutMs: BULK_TIMEOUT_MS });
              const half = Math.max(1, Math.floor(n / 2));
              const f = await c.ok(`FETCH ${half} (UID)`, { collect: true });
              const uid = Number(/UID (\d+)/i.exec(f.untagged.map((u) => u.text).join(' '))?.[1]);
              if (!Number.isInteger(uid) || uid < 1) throw new Error(`FETCH ${half} (UID) gave no UID`);
              const r = await timed(() => c.ok(`UID MOVE 1:${uid} ${quote(dst)}`, { timeoutMs: BULK_TIMEOUT_MS }));
              moved = half;
              return r.ms;
            } finally {
              // leave the folders before deleting them; a failure here must not hide the real one
              await c.command('SELECT INBOX', { timeoutMs: BULK_TIMEOUT_MS }).catch(() => undefined);
              await c.command(`DELETE ${quote(src)}`, { timeoutMs: BULK_TIMEOUT_MS }).catch(() => undefined);
              await c.command(`DELETE ${quote(dst)}`, { timeoutMs: BULK_TIMEOUT_MS }).catch(() => undefined);
            }
          });
          return { kind: 'ok', value: median(samples), samples, note: `${moved} messages moved per run` };
        } finally {
          await c.logout();
        }
      }),
    };
  },
};
