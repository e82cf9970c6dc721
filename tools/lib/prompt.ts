// Reading passwords. On a terminal the typed characters are not echoed (raw mode, handling
// backspace and ^C ourselves); from a pipe, each answer is one line, so scripts can feed
// passwords on standard input instead of on the command line where `ps` would show them.
import { CliError } from './command.ts';

let pipedLines: string[] | null = null;

async function readPipedLine(input: NodeJS.ReadStream): Promise<string> {
  if (pipedLines === null) {
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    pipedLines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
  }
  const line = pipedLines.shift();
  if (line === undefined || (line === '' && pipedLines.length === 0)) {
    throw new CliError('no password given on standard input');
  }
  return line;
}

function readHidden(input: NodeJS.ReadStream, echo: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (err: Error | null) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      echo.write('\n');
      if (err) reject(err); else resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003') return finish(new CliError('interrupted', 130));
        if (ch === '\u0004' && typed === '') return finish(new CliError('no password given'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch === '\u0015') typed = '';                    // ^U: start over
        else if (ch >= ' ') typed += ch;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}

/** Asks for a secret once. */
export async function promptSecret(question: string, input: NodeJS.ReadStream = process.stdin,
                                   echo: NodeJS.WritableStream = process.stderr): Promise<string> {
  if (!input.isTTY) return readPipedLine(input);
  echo.write(question);
  return readHidden(input, echo);
}

/** Asks for a new password twice on a terminal (once from a pipe) and refuses an empty one. */
export async function promptNewPassword(what = 'Password'): Promise<string> {
  const first = await promptSecret(`${what}: `);
  if (first === '') throw new CliError('the password cannot be empty');
  if (process.stdin.isTTY) {
    const second = await promptSecret(`${what} (again): `);
    if (second !== first) throw new CliError('the passwords do not match');
  }
  return first;
}
