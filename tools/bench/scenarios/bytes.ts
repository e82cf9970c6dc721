// Bytes stored per message: what ten years of mail costs on disk, against the raw message size.
// Measured after the read-only scenarios, so Dovecot's cache file holds what clients asked for, as
// it would in use (aox computes everything at import).
import { row, type Scenario } from '../scenario.ts';

export const scenario: Scenario = {
  name: 'bytes',
  measures: 'disk bytes per message of the big folder (aox: all mail tables with TOAST and indexes; Dovecot: du of the maildir with its index and cache files), against the raw message size',
  rows: [{ id: 'bytes', label: 'bytes stored per message', unit: 'bytes/msg', better: 'lower' }],
  needs: [],
  async run(t, ctx) {
    return {
      bytes: await row(async () => {
        if (t.bigCount === 0) throw new Error('the big folder is empty');
        const s = await t.bytesStored();
        const perMessage = s.bytes / t.bigCount;
        const raw = ctx.dataset.messageBytes / ctx.dataset.count;
        return {
          kind: 'ok', value: perMessage, samples: [perMessage],
          note: `${(perMessage / raw).toFixed(2)}× the raw size (${raw.toFixed(0)} bytes/msg); ${s.note}`,
          detail: { totalBytes: s.bytes, rawBytesPerMessage: raw },
        };
      }),
    };
  },
};
