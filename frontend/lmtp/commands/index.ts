// The LMTP command table: the only place that lists the commands.
import type { LmtpCommand } from '../command.ts';
import lhlo from './lhlo.ts';
import helo from './helo.ts';
import ehlo from './ehlo.ts';
import mail from './mail.ts';
import rcpt from './rcpt.ts';
import data from './data.ts';
import bdat from './bdat.ts';
import rset from './rset.ts';
import noop from './noop.ts';
import quit from './quit.ts';
import vrfy from './vrfy.ts';

// execute is declared as a method, so each module's own argument type fits LmtpCommand<unknown>
const all: Array<LmtpCommand<unknown>> = [lhlo, helo, ehlo, mail, rcpt, data, bdat, rset, noop, quit, vrfy];

export const COMMANDS: ReadonlyMap<string, LmtpCommand<unknown>> = new Map(all.map((c) => [c.name, c]));
