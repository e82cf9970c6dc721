// One LISTEN connection per frontend process (pg-listen), shared by every session through a hub
// that reference-counts subscribers per mailbox (pg-listen's own unlisten is not counted).
// Notifications are hints: on every (re)connect all subscribers are told to resync, and sessions
// also poll slowly, so a lost notification only delays an update.
import * as pgListen from 'pg-listen';
import type { Subscriber, Options } from 'pg-listen';
import type pg from 'pg';

export const CHANNEL = 'aox_mailbox';
/** A user's list of visible mailboxes or subscriptions changed; payload a user id or '*' (db/functions/49_notify.sql). */
export const LIST_CHANNEL = 'aox_mailbox_list';

// pg-listen is CommonJS with its factory on exports.default; under ESM that is one level down
const createSubscriber = (pgListen as unknown as { default: { default: (c: pg.ClientConfig, o: Options) => Subscriber } }).default.default;

export type ChangeHandler = (mailbox: number) => void;
export type ListHandler = () => void;

export interface ListenerHub {
  /** calls handler when the mailbox changes (or everything must resync); returns unsubscribe */
  subscribe(mailbox: number, handler: ChangeHandler): () => void;
  /**
   * NOTIFY (RFC 5465): calls handler for a change in any mailbox (or with -1 when everything must
   * resync). Only sessions that asked for NOTIFY register, so others cost nothing.
   */
  subscribeAll(handler: ChangeHandler): () => void;
  /** calls handler when the user's mailbox list or subscriptions may have changed */
  subscribeList(user: number, handler: ListHandler): () => void;
  close(): Promise<void>;
  /** number of subscribed handlers (for tests and status) */
  size(): number;
}

export async function startListener(config: pg.ClientConfig, log: (msg: string, err?: unknown) => void): Promise<ListenerHub> {
  const handlers = new Map<number, Set<ChangeHandler>>();
  const everything = new Set<ChangeHandler>();
  const lists = new Map<number, Set<ListHandler>>();
  const subscriber: Subscriber = createSubscriber(config, {
    retryTimeout: Infinity,
    retryInterval: (attempt: number) => Math.min(5000, 100 * 2 ** attempt),
    // payloads are bare mailbox ids, not JSON
    parse: (s: string) => s,
    paranoidChecking: 10_000,
  });
  const resyncAll = () => {
    for (const [mailbox, set] of handlers) for (const h of set) h(mailbox);
    for (const h of everything) h(-1);
    for (const set of lists.values()) for (const h of set) h();
  };
  subscriber.events.on('notification', (n) => {
    if (n.channel === LIST_CHANNEL) {
      if (n.payload === '*') {
        for (const set of lists.values()) for (const h of set) h();
      } else {
        const set = lists.get(Number(n.payload));
        if (set) for (const h of set) h();
      }
      return;
    }
    if (n.channel !== CHANNEL) return;
    const id = Number(n.payload);
    const set = handlers.get(id);
    if (set) for (const h of set) h(id);
    for (const h of everything) h(id);
  });
  subscriber.events.on('error', (e) => log('listener connection error', e));
  subscriber.events.on('reconnect', (attempt) => log(`listener reconnecting (attempt ${attempt})`));
  // after a reconnect nothing tells us what was missed: everybody resyncs
  subscriber.events.on('connected', resyncAll);
  await subscriber.connect();
  await subscriber.listenTo(CHANNEL);
  await subscriber.listenTo(LIST_CHANNEL);
  return {
    subscribe(mailbox, handler) {
      let set = handlers.get(mailbox);
      if (!set) handlers.set(mailbox, (set = new Set()));
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0 && handlers.get(mailbox) === set) handlers.delete(mailbox);
      };
    },
    subscribeAll(handler) {
      everything.add(handler);
      return () => {
        everything.delete(handler);
      };
    },
    subscribeList(user, handler) {
      let set = lists.get(user);
      if (!set) lists.set(user, (set = new Set()));
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0 && lists.get(user) === set) lists.delete(user);
      };
    },
    size: () => [...handlers.values()].reduce((n, s) => n + s.size, 0),
    close: () => subscriber.close(),
  };
}
