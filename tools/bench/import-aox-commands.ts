// The aox command list with the import, vacuum, undelete, retention, tune and reparse commands
// added while the registry (tools/aox/commands.ts) does not list them yet.
import type { AoxCommand } from '../lib/command.ts';
import { commands } from '../aox/commands.ts';
import { command as importCommand } from '../aox/import.ts';
import { command as vacuum } from '../aox/vacuum.ts';
import { command as undelete } from '../aox/undelete.ts';
import { command as retainMessages } from '../aox/retain-messages.ts';
import { command as deleteMessages } from '../aox/delete-messages.ts';
import { command as showRetention } from '../aox/show-retention.ts';
import { command as tuneDatabase } from '../aox/tune-database.ts';
import { command as reparse } from '../aox/reparse.ts';

export const IMPORT_FAMILY: AoxCommand[] = [importCommand, vacuum, undelete, retainMessages, deleteMessages,
                                            showRetention, tuneDatabase, reparse];

export function commandsWithImport(): AoxCommand[] {
  return [...commands, ...IMPORT_FAMILY.filter((m) => !commands.some((c) => c.verb === m.verb && c.noun === m.noun))];
}
