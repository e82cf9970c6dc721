// ID (RFC 2971): the client's identification is logged; ours is sent back.
import { ANY_STATE, defineCommand } from '../command.ts';
import { atom } from '../compiler.ts';

export const id = defineCommand({
  name: 'ID',
  states: ANY_STATE,
  parse(c) {
    c.space();
    const fields: Record<string, string | null> = {};
    if (!c.tryKeyword('NIL')) {
      const items = c.list((cur) => cur.nstring(), { allowEmpty: true });
      if (items.length % 2 !== 0 || items.length > 60) throw c.error('ID takes field-value pairs (at most 30)');
      for (let i = 0; i < items.length; i += 2) {
        const k = items[i];
        if (k === null) throw c.error('ID field names cannot be NIL');
        fields[k.toString('utf8').slice(0, 30)] = items[i + 1]?.toString('utf8').slice(0, 200) ?? null;
      }
    }
    c.end();
    return fields;
  },
  async execute(s, fields) {
    if (Object.keys(fields).length > 0) s.log.info({ client: fields }, 'client id');
    await s.untagged(atom('ID'), ['name', 'aox', 'vendor', 'aox', 'support-url', 'https://archiveopteryx.org']);
  },
});
