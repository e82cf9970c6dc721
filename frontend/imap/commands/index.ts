// The command registry: every IMAP command the server understands, by name. The only list of
// commands; the dispatcher looks names up here.
import type { Command } from '../command.ts';
import { append } from './append.ts';
import { authenticate } from './authenticate.ts';
import { cancelupdate } from './cancelupdate.ts';
import { capability } from './capability.ts';
import { compress } from './compress.ts';
import { copy, move, uidCopy, uidMove } from './copy.ts';
import { create } from './create.ts';
import { del } from './delete.ts';
import { enable } from './enable.ts';
import { close, expunge, uidExpunge, unselect } from './expunge.ts';
import { fetch, uidFetch } from './fetch.ts';
import { id } from './id.ts';
import { idle } from './idle.ts';
import { listCommand, lsub } from './list.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { namespace } from './namespace.ts';
import { notify } from './notify.ts';
import { check, noop } from './noop.ts';
import { rename } from './rename.ts';
import { search, uidSearch } from './search.ts';
import { examine, select } from './select.ts';
import { starttls } from './starttls.ts';
import { status } from './status.ts';
import { store, uidStore } from './store.ts';
import { subscribe, unsubscribe } from './subscribe.ts';

import { sort, uidSort } from './sort.ts';
import { threadCommand, uidThread } from './thread.ts';
import { getquota } from './getquota.ts';
import { getquotaroot } from './getquotaroot.ts';
import { setquota } from './setquota.ts';
import { setacl } from './setacl.ts';
import { deleteacl } from './deleteacl.ts';
import { getacl } from './getacl.ts';
import { listrights } from './listrights.ts';
import { myrights } from './myrights.ts';

const all: Command[] = [
  capability, noop, logout, starttls, compress, authenticate, login, id, enable,
  namespace, select, examine, create, del, rename, subscribe, unsubscribe, listCommand, lsub, status, append,
  check, close, unselect, expunge, uidExpunge, search, uidSearch, fetch, uidFetch, store, uidStore,
  copy, uidCopy, move, uidMove, idle,
  sort, uidSort, threadCommand, uidThread, getquota, getquotaroot, setquota, setacl, deleteacl, getacl, listrights, myrights,
  notify, cancelupdate,
];

export const commands: ReadonlyMap<string, Command> = new Map(all.map((c) => [c.name, c]));
