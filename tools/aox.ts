// aox: the administration command, `aox <verb> <noun> [options] [arguments]` as in
// Archiveopteryx. The commands are listed in tools/aox/commands.ts; tools/lib/program.ts turns
// them into a commander program. Run through tools/aox.mjs (npx aox), which loads tsx.
import { commands } from './aox/commands.ts';
import { main } from './lib/program.ts';

await main(commands);
// A command may leave a handle open (a pool's idle timer, a foreground server's logger); a CLI
// must still end when its work is done. Standard output and error are synchronous for files and
// pipes on POSIX, so nothing written is lost.
process.exit(process.exitCode ?? 0);
