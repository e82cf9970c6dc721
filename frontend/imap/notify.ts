// A session's NOTIFY registration (RFC 5465): which mailboxes it watches for which events, the
// counters it last reported for each, and the pump that speaks while no command is in progress.
//
// Hints come from the LISTEN hub: every mailbox change (subscribeAll, which only NOTIFY sessions
// join, so other sessions pay nothing) and changes of the user's mailbox list or subscriptions
// (subscribeList). A hint marks work; the work is done when the session may speak: between
// commands (the dispatcher opens the window while it waits for the next command), during IDLE
// (§4: IDLE sends exactly what NOTIFY asked for), and at the end of every command.
//
// Mailboxes other than the selected one are reported with STATUS (§5.1-5.3) and LIST (§5.4-5.5),
// only where the user holds l (and r for message events, §3.1). The selected mailbox is reported
// with EXISTS/EXPUNGE/FETCH by its SelectedMailbox, as the selected/selected-delayed filter says;
// without one it gets no message events between commands (§3.1: the same as "selected NONE"),
// while the command responses RFC 3501 §7.4.1 requires are still sent at the end of commands.
import { atom, type ResponseValue, type ResponseWriter } from './compiler.ts';
import { SUPPORTED_EVENTS, type NotifyEvents, type NotifyGroup } from './grammar/notify.ts';
import type { Session } from './session.ts';
import { sessionTiming } from './session.ts';
import type { StatusRow } from './status-response.ts';
import type { FetchAttribute } from './types.ts';

export { SUPPORTED_EVENTS };

interface MailboxInfo {
  mailbox: number;
  name: string;
  personal: boolean;
  inbox: boolean;
  subscribed: boolean;
  selectable: boolean;
  rights: string;
}

type Window = 'between' | 'idle' | null;

/** What the selected-mailbox filter asks for; null means no message events for it. */
export interface SelectedWatch {
  delayed: boolean;
  expunge: boolean;
  flags: boolean;
  fetch: FetchAttribute[];
}

function matches(g: NotifyGroup, m: MailboxInfo): boolean {
  const f = g.filter;
  switch (f.kind) {
    case 'personal':
      return m.personal;
    case 'inboxes':
      return m.inbox;
    case 'subscribed':
      return m.subscribed;
    case 'subtree':
      return f.names.some((n) => m.name === n || m.name.startsWith(n + '/'));
    case 'mailboxes':
      return f.names.includes(m.name);
    default:
      return false;
  }
}

const hasMessageEvents = (e: NotifyEvents) => e.messageNew || e.messageExpunge || e.flagChange;

export class Notifier {
  readonly selectedWatch: SelectedWatch | null;
  private readonly others: NotifyGroup[];
  private mailboxes = new Map<number, MailboxInfo>();
  /** the counters last reported (or learnt) per watched mailbox, with the events wanted there */
  private readonly watched = new Map<number, { events: NotifyEvents; row: StatusRow | null }>();
  private readonly pending = new Set<number>();
  private listDirty = false;
  private unsubscribe: Array<() => void> = [];
  private window: Window = null;
  private kicked = false;
  private running: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly s: Session, groups: readonly NotifyGroup[]) {
    const sel = groups.find((g) => g.filter.kind === 'selected' || g.filter.kind === 'selected-delayed');
    this.selectedWatch = sel && hasMessageEvents(sel.events) ? {
      delayed: sel.filter.kind === 'selected-delayed', expunge: sel.events.messageExpunge,
      flags: sel.events.flagChange, fetch: sel.events.fetch,
    } : null;
    this.others = groups.filter((g) => g !== sel);
  }

  /**
   * Loads the mailbox list, sends what NOTIFY SET must send before its tagged OK (STATUS with the
   * STATUS indicator, LIST (\NoAccess) for named mailboxes that cannot be read) and joins the hub.
   */
  async start(w: ResponseWriter, sendStatus: boolean): Promise<void> {
    const hub = this.s.ctx.hub;
    if (this.others.length > 0) {
      this.unsubscribe.push(hub.subscribeList(this.s.userId, () => this.listChanged()));
      if (this.others.some((g) => hasMessageEvents(g.events))) {
        this.unsubscribe.push(hub.subscribeAll((id) => this.mailboxChanged(id)));
      }
    }
    await this.loadMailboxes();
    // §3.1: a named mailbox the user may list but not read gets \NoAccess; one it may not even
    // list is ignored
    for (const g of this.others) {
      if (!hasMessageEvents(g.events) || (g.filter.kind !== 'mailboxes' && g.filter.kind !== 'subtree')) continue;
      for (const name of g.filter.names) {
        const m = [...this.mailboxes.values()].find((x) => x.name === name);
        if (m && m.rights.includes('l') && !m.rights.includes('r')) {
          w.untagged(atom('LIST'), [atom('\\NoAccess')], '/', this.s.wireName(m.name));
        }
      }
    }
    await this.loadCounters([...this.watched.keys()]);
    if (sendStatus) {
      for (const [id, x] of this.watched) {
        if (id === this.s.selected?.id || !x.row) continue;
        // §3.1: MESSAGES UIDNEXT UIDVALIDITY for MessageNew, MESSAGES for MessageExpunge,
        // UIDVALIDITY HIGHESTMODSEQ for FlagChange
        const e = x.events;
        const items: ResponseValue[] = [];
        if (e.messageNew || e.messageExpunge) items.push(atom('MESSAGES'), x.row.messages);
        if (e.messageNew) items.push(atom('UIDNEXT'), x.row.uidnext);
        if (e.messageNew || e.flagChange) items.push(atom('UIDVALIDITY'), x.row.uidvalidity);
        if (e.flagChange) items.push(atom('HIGHESTMODSEQ'), x.row.highestmodseq);
        w.untagged(atom('STATUS'), this.s.wireName(this.mailboxes.get(id)?.name ?? ''), items);
      }
    }
  }

  close(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.window = null;
    this.s.selected?.setWaker(null);
    if (this.retry) clearTimeout(this.retry);
  }

  /** The mailbox the session selected or left: its counters move on without STATUS responses. */
  selectionChanged(left: number | null): void {
    if (left !== null && this.watched.has(left)) {
      this.pending.add(left);
      this.silent.add(left);
    }
  }

  private readonly silent = new Set<number>();

  private mailboxChanged(id: number): void {
    if (id === -1) {
      // the listener reconnected: anything may have happened
      this.listDirty = true;
      for (const k of this.watched.keys()) this.pending.add(k);
    } else if (this.watched.has(id)) {
      this.pending.add(id);
    } else {
      return;
    }
    this.kick();
  }

  private listChanged(): void {
    this.listDirty = true;
    this.kick();
  }

  // ---- the window in which the server may speak unasked ----

  /** The session waits for a command (or idles): notifications may be sent now. */
  open(window: 'between' | 'idle'): void {
    this.window = window;
    this.s.selected?.setWaker(() => this.kick());
    this.kick();
  }

  /** A command arrived: wait for anything being written, then keep quiet until the next open. */
  async shut(): Promise<void> {
    this.window = null;
    this.s.selected?.setWaker(null);
    while (this.running) await this.running;
  }

  private kick(): void {
    if (!this.window) return;
    this.kicked = true;
    if (this.running) return;
    this.running = this.pump().finally(() => {
      this.running = null;
    });
  }

  private async pump(): Promise<void> {
    while (this.kicked && this.window && !this.s.isClosing) {
      this.kicked = false;
      try {
        await this.deliver(this.window);
      } catch (e) {
        this.s.log.warn({ err: e }, 'could not deliver NOTIFY events; retrying');
        if (!this.retry) {
          this.retry = setTimeout(() => {
            this.retry = null;
            this.kick();
          }, sessionTiming.refreshRetryMs);
          this.retry.unref();
        }
      }
    }
  }

  /** The selected mailbox first, then the others: responses follow the order of the changes. */
  private async deliver(window: 'between' | 'idle'): Promise<void> {
    const box = this.s.selected;
    const watch = this.selectedWatch;
    // selected-delayed keeps expunges for a command that allows them (§6.1.2); IDLE allows them
    if (box && watch) await box.update(watch.expunge && (!watch.delayed || window === 'idle'), watch.flags);
    await this.flushOthers();
  }

  // ---- mailboxes other than the selected one ----

  /** Sends what is waiting for mailboxes other than the selected one (also after every command). */
  async flushOthers(): Promise<void> {
    if (this.listDirty) await this.reloadList();
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending.clear();
    const quiet = new Set(this.silent);
    this.silent.clear();
    const before = new Map(ids.map((id) => [id, this.watched.get(id)?.row ?? null]));
    try {
      await this.loadCounters(ids);
    } catch (e) {
      for (const id of ids) this.pending.add(id);
      throw e;
    }
    const w = this.s.writer();
    for (const id of ids) {
      const x = this.watched.get(id);
      const old = before.get(id);
      const name = this.mailboxes.get(id)?.name;
      if (!x?.row || !old || name === undefined || quiet.has(id) || id === this.s.selected?.id) continue;
      const r = x.row;
      const items: ResponseValue[] = [];
      if (r.uidvalidity !== old.uidvalidity) {
        items.push(atom('MESSAGES'), r.messages, atom('UIDNEXT'), r.uidnext, atom('UIDVALIDITY'), r.uidvalidity);
      } else if ((x.events.messageNew || x.events.messageExpunge)
                 && (r.messages !== old.messages || r.uidnext !== old.uidnext)) {
        // §5.2, §5.3: STATUS (UIDNEXT MESSAGES), and UNSEEN since arrivals are usually unseen
        items.push(atom('MESSAGES'), r.messages, atom('UIDNEXT'), r.uidnext, atom('UNSEEN'), r.unseen);
      } else if (x.events.flagChange && (r.unseen !== old.unseen || (this.s.condstore && r.highestmodseq !== old.highestmodseq))) {
        // §5.1: UIDVALIDITY and HIGHESTMODSEQ with CONDSTORE, else what a flag change shows: UNSEEN
        items.push(atom('UIDVALIDITY'), r.uidvalidity, atom('UNSEEN'), r.unseen);
      }
      if (items.length === 0) continue;
      if (this.s.condstore) items.push(atom('HIGHESTMODSEQ'), r.highestmodseq);
      w.untagged(atom('STATUS'), this.s.wireName(name), items);
    }
    await this.s.send(w);
  }

  private async loadMailboxes(): Promise<void> {
    const rows = await this.s.ctx.db.call<MailboxInfo & Record<string, unknown>>('notify_mailboxes', this.s.userId);
    this.mailboxes = new Map(rows.map((r) => [r.mailbox, r]));
    // which mailboxes are watched for message events, with the union of the events of the groups
    // that match each (§6); message events need the r right (§3.1)
    const now = new Map<number, NotifyEvents>();
    for (const m of rows) {
      if (!m.selectable || !m.rights.includes('r')) continue;
      for (const g of this.others) {
        if (!hasMessageEvents(g.events) || !matches(g, m)) continue;
        const had = now.get(m.mailbox);
        now.set(m.mailbox, had ? {
          ...had, messageNew: had.messageNew || g.events.messageNew, messageExpunge: had.messageExpunge || g.events.messageExpunge,
          flagChange: had.flagChange || g.events.flagChange,
        } : g.events);
      }
    }
    for (const id of [...this.watched.keys()]) if (!now.has(id)) this.watched.delete(id);
    for (const [id, events] of now) {
      const x = this.watched.get(id);
      if (x) x.events = events;
      else this.watched.set(id, { events, row: null });
    }
  }

  private async loadCounters(ids: number[]): Promise<void> {
    const wanted = ids.filter((id) => this.watched.has(id));
    if (wanted.length === 0) return;
    const rows = await this.s.ctx.db.call<StatusRow & Record<string, unknown>>('mailbox_status_many', this.s.userId, wanted);
    for (const r of rows) {
      const x = this.watched.get(r.mailbox);
      if (x) x.row = r;
    }
  }

  /** The list changed: LIST responses for MailboxName and SubscriptionChange (§5.4, §5.5). */
  private async reloadList(): Promise<void> {
    this.listDirty = false;
    const before = this.mailboxes;
    const watchedBefore = new Set(this.watched.keys());
    try {
      await this.loadMailboxes();
    } catch (e) {
      this.listDirty = true;
      throw e;
    }
    const wants = (m: MailboxInfo, e: 'mailboxName' | 'subscriptionChange') =>
      this.others.some((g) => g.events[e] && matches(g, m));
    const w = this.s.writer();
    const attrs = (m: MailboxInfo) => [
      ...(m.selectable ? [] : [atom('\\Noselect')]), ...(m.subscribed ? [atom('\\Subscribed')] : []),
    ];
    for (const [id, m] of this.mailboxes) {
      const old = before.get(id);
      if (!old) {
        if (wants(m, 'mailboxName')) w.untagged(atom('LIST'), attrs(m), '/', this.s.wireName(m.name));
      } else if (old.name !== m.name) {
        if (wants(m, 'mailboxName') || wants(old, 'mailboxName')) {
          w.untagged(atom('LIST'), attrs(m), '/', this.s.wireName(m.name), ['OLDNAME', [this.s.wireName(old.name)]]);
        }
      } else if (old.selectable !== m.selectable && wants(m, 'mailboxName')) {
        w.untagged(atom('LIST'), attrs(m), '/', this.s.wireName(m.name));
      } else if (old.subscribed !== m.subscribed && wants(m, 'subscriptionChange')) {
        w.untagged(atom('LIST'), attrs(m), '/', this.s.wireName(m.name));
      }
    }
    for (const [id, old] of before) {
      if (!this.mailboxes.has(id) && wants(old, 'mailboxName')) {
        w.untagged(atom('LIST'), [atom('\\NonExistent')], '/', this.s.wireName(old.name));
      }
    }
    await this.s.send(w);
    // newly watched mailboxes: learn their counters, report changes from now on
    const fresh = [...this.watched.keys()].filter((id) => !watchedBefore.has(id));
    if (fresh.length > 0) await this.loadCounters(fresh);
  }
}
