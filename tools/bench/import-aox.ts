// `aox` as tools/aox.ts runs it, plus the import, vacuum, undelete, retention, tune and reparse
// commands while the registry does not list them yet (tools/bench/import-aox-commands.ts). Used
// by tools/bench/import.ts and the import-*.test.ts files:
//   node --import tsx tools/bench/import-aox.ts <aox arguments>
import { main } from '../lib/program.ts';
import { commandsWithImport } from './import-aox-commands.ts';

await main(commandsWithImport());
process.exit(process.exitCode ?? 0);
