// Malformed input of every kind must come back as ParseError (BAD), never as a crash, a hang or
// another exception. Valid commands are cut short and mutated at random (with a fixed seed, so a
// failure is reproducible) and fed to every parser.

import assert from 'node:assert/strict';
import { parseAppendMessages } from '../../frontend/imap/grammar/append-args.ts';
import { parseFetch } from '../../frontend/imap/grammar/fetch-attributes.ts';
import { parseListArguments } from '../../frontend/imap/grammar/list-options.ts';
import { parseSetQuota } from '../../frontend/imap/grammar/quota.ts';
import { parseSearchProgram, parseSearchReturnOptions } from '../../frontend/imap/grammar/search-program.ts';
import { parseSelectParams } from '../../frontend/imap/grammar/select-params.ts';
import { parseSortCriteria } from '../../frontend/imap/grammar/sort-criteria.ts';
import { parseStatusItems } from '../../frontend/imap/grammar/status-items.ts';
import { parseStoreArguments } from '../../frontend/imap/grammar/store-action.ts';
import { parseModRights } from '../../frontend/imap/grammar/acl-rights.ts';
import { BadCharsetError, Cursor, ParseError } from '../../frontend/imap/parser.ts';

type Grammar = (c: Cursor) => unknown;

const search: Grammar = (c) => {
  if (parseSearchReturnOptions(c)) c.space();
  return parseSearchProgram(c);
};

const GRAMMARS: Array<[string, Grammar, string[]]> = [
  [
    'fetch',
    parseFetch,
    [
      '(UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Subject)])',
      'BODY[1.2.MIME]<0.100> (CHANGEDSINCE 5 VANISHED)',
      '(BINARY.PEEK[1]<0.5> BINARY.SIZE[2] MODSEQ EMAILID)',
      'ALL',
    ],
  ],
  [
    'search',
    search,
    [
      'RETURN (MIN MAX PARTIAL 1:10) CHARSET UTF-8 OR (FROM "x" SINCE 1-Feb-1994) NOT UID 1:*',
      'MODSEQ "/flags/\\\\draft" all 620162338 HEADER X-A {3}\r\nabc',
      'OR OR SEEN DRAFT (KEYWORD $x LARGER 5 OLDER 10 EMAILID abc) $',
    ],
  ],
  ['list', parseListArguments, ['(SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" %) RETURN (CHILDREN STATUS (MESSAGES))']],
  ['store', parseStoreArguments, [' (UNCHANGEDSINCE 5) +FLAGS.SILENT (\\Seen $x)', ' -FLAGS \\Deleted \\Draft']],
  ['select', parseSelectParams, [' (CONDSTORE QRESYNC (1 2 1:5 (1,3 5,7)))']],
  [
    'append',
    parseAppendMessages,
    [
      ' (\\Seen) "17-Jul-1996 02:44:25 -0700" {5}\r\nhello ~{3}\r\nabc',
      ' CATENATE (URL "/x;uid=1" TEXT {2}\r\nhi) UTF8 (~{1}\r\nx)',
    ],
  ],
  ['sort', parseSortCriteria, ['(REVERSE DATE SUBJECT DISPLAYFROM)']],
  ['status', parseStatusItems, ['(MESSAGES UIDNEXT HIGHESTMODSEQ)']],
  ['quota', parseSetQuota, ['"" (STORAGE 512 MESSAGE 10)']],
  ['rights', parseModRights, ['+lrswi']],
  [
    'mailbox',
    (c) => {
      c.mailbox();
      c.space();
      return c.listMailbox();
    },
    ['"Entw&APw-rfe" "&ZeVnLIqe-/*"'],
  ],
  ['dateTime', (c) => c.dateTime(), ['"17-Jul-1996 02:44:25 -0700"']],
];

const INTERESTING = Buffer.from('()[]<>{}~+-*%$:,."\\ \r\n\0&09aZ\x7f\xff\xc3');

function run(fn: Grammar, input: Buffer): void {
  try {
    const c = new Cursor(input);
    fn(c);
    c.end();
  } catch (e) {
    if (e instanceof ParseError || e instanceof BadCharsetError) return;
    assert.fail(`${JSON.stringify(input.toString('latin1'))} threw ${String(e)}`);
  }
}

describe('imap robustness: malformed input only ever throws ParseError', () => {
  let seed = 4242;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };

  for (const [name, fn, samples] of GRAMMARS) {
    it(`${name}: every valid sample parses`, () => {
      for (const sample of samples) {
        const c = new Cursor(sample);
        fn(c);
        c.end();
      }
    });

    it(`${name}: every truncation`, () => {
      for (const sample of samples) {
        const bytes = Buffer.from(sample, 'latin1');
        for (let n = 0; n < bytes.length; n++) run(fn, bytes.subarray(0, n));
      }
    });

    it(`${name}: 2000 random mutations`, () => {
      for (const sample of samples) {
        const base = Buffer.from(sample, 'latin1');
        for (let i = 0; i < Math.ceil(2000 / samples.length); i++) {
          const bytes = [...base];
          for (let k = 1 + rnd(3); k > 0; k--) {
            const at = rnd(bytes.length + 1);
            switch (rnd(4)) {
              case 0:
                bytes.splice(at, 1);
                break;
              case 1:
                bytes.splice(at, 0, INTERESTING[rnd(INTERESTING.length)]);
                break;
              case 2:
                bytes[at] = INTERESTING[rnd(INTERESTING.length)];
                break;
              default:
                bytes.splice(at, 0, ...bytes.slice(rnd(bytes.length), rnd(bytes.length)));
            }
          }
          run(fn, Buffer.from(bytes.filter((b) => b !== undefined)));
        }
      }
    });
  }
});
