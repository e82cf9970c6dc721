// The maildrop of one POP3 session (RFC 1939 §4-6): the INBOX as it was at login. Message numbers
// index this snapshot and never change during the session; messages delivered later wait for the
// next session, messages expunged elsewhere answer -ERR when retrieved. Only UIDs and sizes are
// held (two typed arrays), so a mailbox of a million messages costs a few megabytes.
import { Pop3Error, err } from './reply.ts';

export class Maildrop {
  /** 1 where DELE marked the message (undone by RSET, applied at QUIT) */
  readonly deleted: Uint8Array;
  /** 1 where RETR sent the message: it becomes \Seen at QUIT */
  readonly retrieved: Uint8Array;
  private liveCount: number;
  private liveSize: number;

  constructor(readonly mailbox: number, readonly uidvalidity: number,
              readonly uids: Int32Array, readonly sizes: Int32Array) {
    this.deleted = new Uint8Array(uids.length);
    this.retrieved = new Uint8Array(uids.length);
    this.liveCount = uids.length;
    this.liveSize = sizes.reduce((a, b) => a + b, 0);
  }

  get count(): number {
    return this.uids.length;
  }

  /** STAT: messages and octets not marked deleted. */
  stat(): { count: number; size: number } {
    return { count: this.liveCount, size: this.liveSize };
  }

  /** The array index of message number n; -ERR when there is none or it is marked deleted. */
  index(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > this.uids.length) throw new Pop3Error(err('No such message'));
    if (this.deleted[n - 1]) throw new Pop3Error(err(`Message ${n} already deleted`));
    return n - 1;
  }

  markDeleted(i: number): void {
    if (this.deleted[i]) return;
    this.deleted[i] = 1;
    this.liveCount--;
    this.liveSize -= this.sizes[i];
  }

  /** RSET: unmarks everything. */
  reset(): void {
    this.deleted.fill(0);
    this.liveCount = this.uids.length;
    this.liveSize = this.sizes.reduce((a, b) => a + b, 0);
  }

  /**
   * UIDL (RFC 1939 §7): "<uidvalidity>.<uid>". A UID is never reused in a mailbox and INBOX keeps
   * its UIDVALIDITY (it cannot be deleted), so the value is stable across sessions and unique.
   */
  uidl(i: number): string {
    return `${this.uidvalidity}.${this.uids[i]}`;
  }

  /** Message numbers and indexes of the messages not marked deleted, in order. */
  *live(): Iterable<[number, number]> {
    for (let i = 0; i < this.uids.length; i++) if (!this.deleted[i]) yield [i + 1, i];
  }

  /** The UIDs flagged in marks, as [lo, hi] runs for one set-based database call. */
  uidRuns(marks: Uint8Array, exclude?: Uint8Array): Array<[number, number]> {
    const runs: Array<[number, number]> = [];
    for (let i = 0; i < this.uids.length; i++) {
      if (!marks[i] || exclude?.[i]) continue;
      const uid = this.uids[i];
      const last = runs[runs.length - 1];
      if (last && last[1] === uid - 1) last[1] = uid;
      else runs.push([uid, uid]);
    }
    return runs;
  }
}
