// Every aox subcommand, one import line each. To add one: write tools/aox/<verb>-<noun>.ts
// exporting `command: AoxCommand` (see tools/lib/command.ts), import it here and add it to the
// list. Order does not matter; help lists commands alphabetically.
import type { AoxCommand } from '../lib/command.ts';
import { command as addAlias } from './add-alias.ts';
import { command as addMailbox } from './add-mailbox.ts';
import { command as addUser } from './add-user.ts';
import { command as changeAddress } from './change-address.ts';
import { command as changeAdmin } from './change-admin.ts';
import { command as changePassword } from './change-password.ts';
import { command as changeQuota } from './change-quota.ts';
import { command as changeUsername } from './change-username.ts';
import { command as checkConfig } from './check-config.ts';
import { command as deleteAlias } from './delete-alias.ts';
import { command as deleteMailbox } from './delete-mailbox.ts';
import { command as deleteMessages } from './delete-messages.ts';
import { command as deleteUser } from './delete-user.ts';
import { command as importMailboxes } from './import.ts';
import { command as listAliases } from './list-aliases.ts';
import { command as listMailboxes } from './list-mailboxes.ts';
import { command as listRights } from './list-rights.ts';
import { command as listUsers } from './list-users.ts';
import { command as reparse } from './reparse.ts';
import { command as restart } from './restart.ts';
import { command as retainMessages } from './retain-messages.ts';
import { command as setacl } from './setacl.ts';
import { command as setup } from './setup.ts';
import { command as showConfiguration } from './show-configuration.ts';
import { command as showCounts } from './show-counts.ts';
import { command as showQuota } from './show-quota.ts';
import { command as showRetention } from './show-retention.ts';
import { command as showSchema } from './show-schema.ts';
import { command as showStatus } from './show-status.ts';
import { command as start } from './start.ts';
import { command as stop } from './stop.ts';
import { command as tuneDatabase } from './tune-database.ts';
import { command as undelete } from './undelete.ts';
import { command as upgradeSchema } from './upgrade-schema.ts';
import { command as vacuum } from './vacuum.ts';

export const commands: AoxCommand[] = [
  addAlias, addMailbox, addUser,
  changeAddress, changeAdmin, changePassword, changeQuota, changeUsername,
  checkConfig,
  deleteAlias, deleteMailbox, deleteMessages, deleteUser,
  importMailboxes,
  listAliases, listMailboxes, listRights, listUsers,
  reparse, restart, retainMessages,
  setacl, setup,
  showConfiguration, showCounts, showQuota, showRetention, showSchema, showStatus,
  start, stop,
  tuneDatabase,
  undelete, upgradeSchema,
  vacuum,
];
