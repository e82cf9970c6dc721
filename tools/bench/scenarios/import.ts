// Import of the whole data set into the big folder, timed once (a 100k import five times over
// would take longer than everything else together): aox through its import path (see
// aox-load.ts), Dovecot through `doveadm import` from the same mbox.
import type { Scenario } from '../scenario.ts';

export const scenario: Scenario = {
  name: 'import',
  measures: 'wall time of loading the whole data set (one mbox) into an empty INBOX, as messages per second: aox through its import path, Dovecot through doveadm import; one run',
  rows: [{ id: 'import', label: 'import the data set', unit: 'msg/s', better: 'higher' }],
  needs: [],
  // main.ts runs the import itself (every other scenario needs its data) and fills in this row
  async run() {
    return {};
  },
};
