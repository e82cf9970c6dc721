// COMPRESS (RFC 4978): DEFLATE in both directions from right after the tagged OK. Valid once the
// client has authenticated (and any TLS is in place, since STARTTLS is over by then); a second
// COMPRESS gets NO [COMPRESSIONACTIVE] (§3). The compression itself lives in frontend/net.
import { AUTHENTICATED, bad, defineCommand, no } from '../command.ts';
import { Code } from '../compiler.ts';

export const compress = defineCommand({
  name: 'COMPRESS',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const mechanism = c.atom().toUpperCase();
    c.end();
    return mechanism;
  },
  async execute(s, mechanism) {
    if (mechanism !== 'DEFLATE') throw bad(`Unknown compression mechanism ${mechanism.slice(0, 30)}`);
    if (s.conn.compressed) throw no('Compression is already active', Code.compressionActive());
    return {
      status: 'OK', text: 'DEFLATE active',
      after: async () => { s.conn.startCompression(); },
    };
  },
});
