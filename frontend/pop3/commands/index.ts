// The POP3 command table: the only place that lists the commands. APOP is not offered (it would
// need the plaintext password on the server; only SCRAM verifiers are stored).
import type { Pop3Command } from '../command.ts';
import capa from './capa.ts';
import stls from './stls.ts';
import user from './user.ts';
import pass from './pass.ts';
import auth from './auth.ts';
import stat from './stat.ts';
import list from './list.ts';
import uidl from './uidl.ts';
import retr from './retr.ts';
import top from './top.ts';
import dele from './dele.ts';
import rset from './rset.ts';
import noop from './noop.ts';
import quit from './quit.ts';

// execute is declared as a method, so each module's own argument type fits Pop3Command<unknown>
const all: Array<Pop3Command<unknown>> = [capa, stls, user, pass, auth, stat, list, uidl, retr, top, dele, rset, noop, quit];

export const COMMANDS: ReadonlyMap<string, Pop3Command<unknown>> = new Map(all.map((c) => [c.name, c]));
