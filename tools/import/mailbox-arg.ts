// A mailbox on the command line of import, undelete and retention commands: "/users/<login>/<name>"
// (tools/lib/names.ts) or the shorter "<login>:<name>".
import { parseMailboxName, type MailboxName } from '../lib/names.ts';

export function parseMailboxArg(text: string): MailboxName {
  const m = /^([^/:\s]+):(.+)$/.exec(text);
  if (m) return { owner: m[1], name: m[2] };
  return parseMailboxName(text);
}
