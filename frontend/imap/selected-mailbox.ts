// A session's view of its selected mailbox: the MSN map, UIDNEXT, the modseq it has caught up
// to, its \Recent messages, and the changes made by others that the client has not been told of.
//
// Others' changes arrive as hints (the LISTEN hub, a slow safety poll, a resync after the
// listener reconnects). A hint only marks the view dirty; the changes are fetched from
// api.mailbox_changes at the points where the session may speak: at the end of a command and
// during IDLE. EXISTS and FETCH FLAGS may then be sent at once; EXPUNGE (or VANISHED) waits while
// the command used message sequence numbers (RFC 3501 §7.4.1), so the expunged UIDs stay in the
// map, keeping every MSN the client knows valid, until the next command that allows it.
import { atom, Code, type ResponseValue, type ResponseWriter } from './compiler.ts';
import { bad } from './command.ts';
import { streamFetch } from './fetch-stream.ts';
import { MsnMap } from './msn-map.ts';
import { removeFrom, SearchUpdates } from './search-updates.ts';
import { SequenceSet, type SequenceSetSpec } from './seqset.ts';
import { uidsOf } from './sort-context.ts';
import { sessionTiming, type Session } from './session.ts';

export interface SelectRow {
  mailbox: number;
  uidvalidity: number;
  uidnext: number;
  highestmodseq: number;
  messages: number;
  unseen: number;
  first_unseen_uid: number | null;
  recent_from: number;
  rights: string;
  read_write: boolean;
  keywords: string[];
  vanished_horizon: number;
}

interface ChangeRow {
  kind: 'state' | 'expunged' | 'changed';
  uid: number;
  modseq: number;
  flags: string[] | null;
}

export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

export class SelectedMailbox {
  readonly id: number;
  readonly readOnly: boolean;
  readonly uidvalidity: number;
  uidnext: number;
  /** every change up to this modseq has been taken into the view */
  highestModseq: number;
  readonly map: MsnMap;
  recent: SequenceSet;
  /** keywords announced in FLAGS, lower-cased → spelling */
  readonly keywords = new Map<string, string>();
  readonly row: SelectRow;
  /** the UIDs SEARCH RETURN (SAVE) kept, which `$` denotes (RFC 5182 §2.1); empty at SELECT */
  saved = SequenceSet.EMPTY;
  /** searches kept current with ADDTO/REMOVEFROM (RFC 5267 CONTEXT=SEARCH); they end with the selection */
  readonly searchUpdates = new SearchUpdates();
  /** CONDSTORE was just enabled: send OK [HIGHESTMODSEQ] with this command (RFC 7162 §3.1) */
  announceHighestModseq = false;
  /** starts dirty: a change between api.mailbox_select and the hub subscription sent no hint */
  private dirty = true;
  private pendingExpunged = SequenceSet.EMPTY;
  private pendingFlags = new Map<number, { flags: string[]; modseq: number }>();
  /** changes this session made and reported itself: modseq → UIDs (skipped when seen again) */
  private own = new Map<number, SequenceSet>();
  /** UIDs that arrived since the last EXISTS, for NOTIFY's MessageNew fetch-atts (RFC 5465 §5.2) */
  private arrived = SequenceSet.EMPTY;
  /** modseqs of this session's own statements: every row carrying one is in `own` already, so
   *  api.mailbox_changes need not return them (a STORE 1:* must not read a million rows back) */
  private ownStatements = new Set<number>();
  private existsSent: number;
  private recentSent: number;
  private readonly unsubscribe: () => void;
  private readonly poll: NodeJS.Timeout;
  private waker: (() => void) | null = null;

  private constructor(private readonly session: Session, readonly name: string, row: SelectRow, map: MsnMap) {
    this.row = row;
    this.id = row.mailbox;
    // RFC 4314 §4: without a right to change anything, a SELECT is read-only
    this.readOnly = !row.read_write || !/[stwe]/.test(row.rights);
    this.uidvalidity = row.uidvalidity;
    this.map = map;
    this.uidnext = Math.max(row.uidnext, map.maxUid + 1);
    this.highestModseq = row.highestmodseq;
    // only UIDs below the selected UIDNEXT were claimed by api.mailbox_select; later arrivals the
    // UID runs already show are claimed separately (open), or another session could take them too
    this.recent = row.recent_from < row.uidnext
      ? map.existing(SequenceSet.range(row.recent_from, row.uidnext - 1)) : SequenceSet.EMPTY;
    for (const k of row.keywords) this.keywords.set(k.toLowerCase(), k);
    this.existsSent = map.size;
    this.recentSent = this.recent.size;
    this.unsubscribe = session.ctx.hub.subscribe(this.id, () => this.markDirty());
    this.poll = setInterval(() => this.markDirty(), sessionTiming.safetyPollMs);
    this.poll.unref();
  }

  /** api.mailbox_select and the UID runs; throws the database's error (AXNEX…) for the caller. */
  static async open(session: Session, name: string, readWrite: boolean): Promise<SelectedMailbox> {
    const db = session.ctx.db;
    const [row] = await db.call<SelectRow & Record<string, unknown>>('mailbox_select', session.userId, name, readWrite);
    const runs = await db.call<{ lo: number; hi: number }>('mailbox_uid_runs', session.userId, row.mailbox);
    const box = new SelectedMailbox(session, name, row, MsnMap.fromRuns(runs.map((r) => [r.lo, r.hi] as const)));
    if (!box.readOnly && box.map.maxUid >= row.uidnext) await box.claimRecent();
    return box;
  }

  /** Takes the \Recent messages among the UIDs the map holds that no session has claimed yet. */
  private async claimRecent(): Promise<void> {
    const s = this.session;
    const [claim] = await s.ctx.db.call<{ recent_from: number; recent_to: number }>(
      'mailbox_recent_claim', s.userId, this.id, this.map.maxUid + 1);
    if (claim && claim.recent_from < claim.recent_to) {
      this.recent = this.recent.union(this.map.existing(SequenceSet.range(claim.recent_from, claim.recent_to - 1)));
    }
    this.recentSent = this.recent.size;
  }

  get exists(): number {
    return this.map.size;
  }

  /** The UID of the first unseen message's MSN, for [UNSEEN n]. */
  firstUnseenMsn(): number {
    return this.row.first_unseen_uid ? this.map.msnOf(this.row.first_unseen_uid) : 0;
  }

  /** The flags FLAGS and PERMANENTFLAGS list. */
  flagList(): string[] {
    return [...SYSTEM_FLAGS, ...this.keywords.values()];
  }

  markDirty(): void {
    this.dirty = true;
    this.waker?.();
  }

  /** IDLE registers here to be woken when changes may be waiting. */
  setWaker(fn: (() => void) | null): void {
    this.waker = fn;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.poll);
    this.waker = null;
  }

  // ---- sets ----

  /** MSNs as the client wrote them → UIDs. An MSN beyond EXISTS is a BAD (RFC 9051 §6.4.8). */
  uidsOfMsnSpec(spec: SequenceSetSpec): SequenceSet {
    if (spec.isSaved) return this.map.existing(this.saved);
    if (spec.highest > this.map.size) throw bad('Invalid message sequence number');
    return this.map.uidsOfMsns(spec.resolve(this.map.size));
  }

  /** UIDs as the client wrote them (* is the highest UID in use), limited to existing messages. */
  uidsOfUidSpec(spec: SequenceSetSpec): SequenceSet {
    if (spec.isSaved) return this.map.existing(this.saved);
    return this.map.existing(spec.resolve(this.map.maxUid));
  }

  uidSet(spec: SequenceSetSpec, byUid: boolean): SequenceSet {
    return byUid ? this.uidsOfUidSpec(spec) : this.uidsOfMsnSpec(spec);
  }

  /** FLAGS of a message as the client sees them: stored flags plus \Recent (IMAP4rev1 only). */
  flagsOf(uid: number, stored: readonly string[]): ResponseValue[] {
    const out: ResponseValue[] = stored.map((f) => atom(f));
    if (this.showsRecent(uid)) out.push(atom('\\Recent'));
    return out;
  }

  /** Does FLAGS show \Recent for this message? Never in IMAP4rev2 (RFC 9051 Appendix E). */
  showsRecent(uid: number): boolean {
    return !this.session.rev2 && this.recent.contains(uid);
  }

  // ---- own changes ----

  /**
   * This session changed flags itself (STORE, FETCH's implicit \Seen) and told the client, or
   * told it of others' changes in a FETCH. `wholeStatement`: the UIDs are every row the statement
   * that allocated `modseq` changed.
   */
  noteOwnChange(modseq: number, uids: SequenceSet, wholeStatement = false): void {
    if (uids.isEmpty) return;
    if (wholeStatement) this.ownStatements.add(modseq);
    this.searchUpdates.touch(uids);
    const had = this.own.get(modseq);
    this.own.set(modseq, had ? had.union(uids) : uids);
    for (const u of uids) {
      if (this.pendingFlags.size === 0) break;
      this.pendingFlags.delete(u);
    }
  }

  /** Sends FLAGS/PERMANENTFLAGS if flags include keywords the client was not told of. */
  announceKeywords(w: ResponseWriter, flags: readonly string[]): boolean {
    let added = false;
    for (const f of flags) {
      if (f.startsWith('\\')) continue;
      const k = f.toLowerCase();
      if (!this.keywords.has(k)) {
        this.keywords.set(k, f);
        added = true;
      }
    }
    if (added) {
      w.untagged(atom('FLAGS'), this.flagList().map((f) => atom(f)));
      w.status('OK', Code.permanentFlags(this.readOnly ? [] : [...this.flagList(), '\\*']), 'Flags permitted');
    }
    return added;
  }

  /**
   * Reports UIDs as expunged (EXPUNGE per message, or VANISHED once QRESYNC is enabled) and drops
   * them from the map. For the session's own EXPUNGE/MOVE and for queued expunges by others.
   */
  async reportExpunged(w: ResponseWriter, uids: SequenceSet): Promise<void> {
    const present = this.map.existing(uids);
    if (present.isEmpty) return;
    // RFC 5267 §4.3: live searches lose them first, each MSN result right before the EXPUNGE
    const leaving = this.searchUpdates.expunged(w, present, this.map, this.session.qresync);
    const msns = this.map.remove(present);
    if (this.session.qresync) {
      w.untagged(atom('VANISHED'), present);
    } else {
      let k = 0;
      const uidsInOrder = leaving.size > 0 ? present[Symbol.iterator]() : null;
      for (const msn of msns) {
        const uid = uidsInOrder?.next().value;
        for (const l of (uid === undefined ? undefined : leaving.get(uid)) ?? []) {
          w.untagged(...removeFrom(l.tag, false, SequenceSet.range(msn - k, msn - k), l.position));
        }
        w.untagged(msn - k, atom('EXPUNGE'));
        k++;
        if ((k & 1023) === 0) await this.session.sendIfLarge(w);
      }
    }
    this.recent = this.recent.subtract(present);
    this.pendingExpunged = this.pendingExpunged.subtract(present);
    for (const u of present) {
      if (this.pendingFlags.size === 0) break;
      this.pendingFlags.delete(u);
    }
    this.existsSent -= present.size;
    this.recentSent = Math.min(this.recentSent, this.recent.size);
  }

  // ---- others' changes ----

  /**
   * Fetches others' changes if a hint arrived, then tells the client what it may be told now.
   * Flag changes wait when NOTIFY asked for no FlagChange events and no command is running.
   */
  async update(allowExpunge: boolean, sendFlags = true): Promise<void> {
    if (this.dirty) await this.refresh();
    await this.flush(allowExpunge, sendFlags);
  }

  private async refresh(): Promise<void> {
    this.dirty = false;
    const s = this.session;
    let rows: ChangeRow[];
    try {
      rows = await s.ctx.db.call<ChangeRow & Record<string, unknown>>('mailbox_changes', s.userId, this.id,
        this.highestModseq, [...this.ownStatements]);
    } catch (e) {
      this.dirty = true;
      throw e;
    }
    let newest = this.highestModseq;
    const expunged: number[] = [];
    const fresh: number[] = [];
    const touched: number[] = [];
    for (const r of rows) {
      if (r.kind === 'state') {
        newest = Math.max(newest, r.modseq);
        this.uidnext = Math.max(this.uidnext, r.uid);
      } else if (r.kind === 'expunged') {
        if (this.map.has(r.uid)) expunged.push(r.uid);
      } else if (r.uid > this.map.maxUid) {
        fresh.push(r.uid);
      } else if (this.map.has(r.uid)) {
        touched.push(r.uid);
        if (!this.own.get(r.modseq)?.contains(r.uid)) this.pendingFlags.set(r.uid, { flags: r.flags ?? [], modseq: r.modseq });
      }
    }
    if (touched.length > 0) this.searchUpdates.touch(SequenceSet.fromNumbers(touched));
    if (fresh.length > 0) this.searchUpdates.touch(SequenceSet.fromNumbers(fresh));
    if (expunged.length > 0) this.pendingExpunged = this.pendingExpunged.union(SequenceSet.fromNumbers(expunged));
    if (fresh.length > 0) {
      // rows come ordered by UID; append them as runs
      let lo = fresh[0];
      let hi = lo;
      for (let i = 1; i <= fresh.length; i++) {
        if (i < fresh.length && fresh[i] === hi + 1) {
          hi = fresh[i];
          continue;
        }
        this.map.appendRun(lo, hi);
        this.arrived = this.arrived.union(SequenceSet.range(lo, hi));
        if (i < fresh.length) lo = hi = fresh[i];
      }
      this.uidnext = Math.max(this.uidnext, this.map.maxUid + 1);
      if (!this.readOnly) {
        const sent = this.recentSent;
        await this.claimRecent();
        this.recentSent = sent;
      }
    }
    this.highestModseq = newest;
    for (const m of this.own.keys()) if (m <= newest) this.own.delete(m);
    for (const m of this.ownStatements) if (m <= newest) this.ownStatements.delete(m);
  }

  private async flush(allowExpunge: boolean, sendFlags: boolean): Promise<void> {
    const s = this.session;
    const w = s.writer();
    if (allowExpunge && !this.pendingExpunged.isEmpty) await this.reportExpunged(w, this.pendingExpunged);
    let arrived = SequenceSet.EMPTY;
    if (this.map.size !== this.existsSent) {
      w.untagged(this.map.size, atom('EXISTS'));
      this.existsSent = this.map.size;
      arrived = this.map.existing(this.arrived);
      this.arrived = SequenceSet.EMPTY;
    }
    // RFC 9051 Appendix E: no RECENT response in IMAP4rev2
    if (this.recent.size !== this.recentSent && !s.rev2) {
      w.untagged(this.recent.size, atom('RECENT'));
      this.recentSent = this.recent.size;
    }
    if (this.announceHighestModseq) {
      this.announceHighestModseq = false;
      w.status('OK', Code.highestModseq(this.highestModseq), 'Highest');
    }
    // RFC 5267 §4.3: after EXISTS, so an ADDTO never names an MSN the client has not heard of
    await this.searchUpdates.evaluate(w, this.map, this.pendingExpunged, {
      search: (key, uids) => s.ctx.db.call<{ lo: number; hi: number }>('messages_search_page', s.userId, this.id,
        JSON.stringify(key), uids.toPgMultirange(), null, null),
      sortAmong: async (keys, key, uids) => {
        const [row] = await s.ctx.db.call<{ uids: string }>('messages_sort_among', s.userId, this.id,
          SequenceSet.fromNumbers(uids).toPgMultirange(), keys, JSON.stringify(key));
        return uidsOf(row?.uids ?? '');
      },
    });
    const fetch = s.notifier?.selectedWatch?.fetch ?? [];
    if (fetch.length > 0 && !arrived.isEmpty) {
      // RFC 5465 §5.2: EXISTS, then FETCH with what the client asked for (never setting \Seen)
      await s.send(w);
      await streamFetch(s, arrived, fetch, { byUid: true, changedSince: null, setSeen: false });
    }
    if (this.pendingFlags.size > 0 && sendFlags) {
      const uids = [...this.pendingFlags.keys()].sort((a, b) => a - b);
      for (const uid of uids) {
        const change = this.pendingFlags.get(uid);
        const msn = this.map.msnOf(uid);
        if (!change || msn === 0 || this.pendingExpunged.contains(uid)) continue;
        this.announceKeywords(w, change.flags);
        const items: ResponseValue[] = [atom('UID'), uid, atom('FLAGS'), this.flagsOf(uid, change.flags)];
        if (s.condstore) items.push(atom('MODSEQ'), [change.modseq]);
        w.untagged(msn, atom('FETCH'), items);
        await s.sendIfLarge(w);
      }
      this.pendingFlags.clear();
    }
    await s.send(w);
  }
}
