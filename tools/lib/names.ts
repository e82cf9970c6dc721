// Mailbox names on the command line, as Archiveopteryx writes them: "/users/<login>/<name>", or a
// name below its owner when the owner is given separately. The admin.* functions take the owner's
// login and the name below it.
import { CliError } from './command.ts';

export interface MailboxName {
  owner: string;
  name: string;
}

export function parseMailboxName(text: string, owner?: string): MailboxName {
  if (text.startsWith('/')) {
    const m = /^\/users\/([^/]+)\/(.+)$/.exec(text);
    if (!m) throw new CliError(`mailbox names are /users/<login>/<name>, not ${text}`);
    if (owner !== undefined && owner.toLowerCase() !== m[1].toLowerCase()) {
      throw new CliError(`${text} belongs to ${m[1]}, not ${owner}`);
    }
    return { owner: m[1], name: m[2] };
  }
  if (owner === undefined) {
    throw new CliError(`which user's mailbox is ${text}? Name it /users/<login>/${text}, or give the owner`);
  }
  return { owner, name: text };
}

export function fullMailboxName(m: MailboxName): string {
  return `/users/${m.owner}/${m.name}`;
}

/** A quick look at an address before prompting for a password; the database has the last word. */
export function checkAddressShape(address: string): void {
  if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw new CliError(`invalid address (expected localpart@domain): ${address}`);
}
