// CANCELUPDATE (RFC 5267 §4.3.5): stops the ADDTO/REMOVEFROM updates of searches started with
// RETURN (UPDATE), named by the tags of the commands that started them.
//
//   cancelupdate = "CANCELUPDATE" 1*(SP quoted)      (a literal is accepted too)
import { defineCommand, no, SELECTED } from '../command.ts';

export const cancelupdate = defineCommand({
  name: 'CANCELUPDATE',
  states: SELECTED,
  parse(c) {
    const tags: string[] = [];
    do {
      c.space();
      tags.push(c.string().toString('utf8'));
    } while (!c.atEnd() && c.peekChar() === ' ');
    c.end();
    return tags;
  },
  async execute(s, tags) {
    const updates = s.box.searchUpdates;
    // the known ones are cancelled even when another tag is unknown
    const unknown = tags.filter((t) => !updates.cancel(t));
    if (unknown.length > 0) throw no('No search is kept up to date for that tag');
  },
});
