// The search language of aox undelete and retention policies (tools/lib/search-terms.ts), and the mailbox argument
// shared by the import family of commands.
import assert from 'node:assert/strict';
import { formatSearch, multirangeToUidSet, parseSearchDate, parseSearchTerms, startsSearch, uidSetToMultirange } from '../../tools/lib/search-terms.ts';
import { parseMailboxArg } from '../../tools/import/mailbox-arg.ts';

describe('import: aox undelete search expressions', () => {
  const p = (...words: string[]) => parseSearchTerms(words, 'expunged');

  it('parses single terms, case-insensitively', () => {
    assert.deepEqual(p('all'), { op: 'all' });
    assert.deepEqual(p('FROM', 'alice'), { op: 'from', text: 'alice' });
    assert.deepEqual(p('subject', 'quarterly report'), { op: 'subject', text: 'quarterly report' });
    assert.deepEqual(p('since', '2024-01-31'), { op: 'since', date: '2024-01-31' });
    assert.deepEqual(p('deleted-before', '1-Feb-2024'), { op: 'deleted-before', date: '2024-02-01' });
    assert.deepEqual(p('uid', '1:3,7,9:*'), { op: 'uid', set: '{[1,4),[7,8),[9,)}' });
    assert.deepEqual(p('5:2'), { op: 'uid', set: '{[2,6)}' });
  });

  it('combines terms: implicit and, or, not, parentheses', () => {
    assert.deepEqual(p('from', 'a', 'since', '2024-01-01'),
      { op: 'and', terms: [{ op: 'from', text: 'a' }, { op: 'since', date: '2024-01-01' }] });
    assert.deepEqual(p('or', 'from', 'a', 'not', 'subject', 'b'),
      { op: 'or', terms: [{ op: 'from', text: 'a' }, { op: 'not', term: { op: 'subject', text: 'b' } }] });
    assert.deepEqual(p('not', '(from', 'a', 'to', 'b)'),
      { op: 'not', term: { op: 'and', terms: [{ op: 'from', text: 'a' }, { op: 'to', text: 'b' }] } });
    assert.deepEqual(p('(', 'all', ')'), { op: 'all' });
    assert.deepEqual(p('(all)'), { op: 'all' });
  });

  it('keeps parentheses inside values outside groups', () => {
    assert.deepEqual(p('subject', '(no subject)'), { op: 'subject', text: '(no subject)' });
  });

  it('refuses what it cannot read', () => {
    for (const words of [[], ['from'], ['bogus'], ['since', 'yesterday'], ['since', '2024-02-30'], ['uid', '1:x'],
                         ['uid', '0'], ['(from', 'a'], ['(', ')'], [')']]) {
      assert.throws(() => parseSearchTerms(words, 'expunged'), Error, words.join(' '));
    }
  });

  it('reads dates and UID sets', () => {
    assert.equal(parseSearchDate('29-feb-2024'), '2024-02-29');
    assert.throws(() => parseSearchDate('29-Feb-2023'));
    assert.equal(uidSetToMultirange('4'), '{[4,5)}');
    assert.equal(uidSetToMultirange('*'), '{[2147483647,)}');
  });
});

describe('retention policies: searches of live messages', () => {
  it('refuses the keys that describe an expunge', () => {
    for (const words of [['reason', 'moved'], ['deleted-since', '2024-01-01'], ['not', 'deleted-before', '2024-01-01']]) {
      assert.throws(() => parseSearchTerms(words, 'live'), /only applies to expunged messages/, words.join(' '));
      assert.doesNotThrow(() => parseSearchTerms(words, 'expunged'));
    }
  });

  it('tells a search from a mailbox argument', () => {
    for (const w of ['from', 'SUBJECT', '(from', 'not', 'or', 'all', 'uid', '1:5', '7,9:*', 'since']) assert.ok(startsSearch(w), w);
    for (const w of ['ann:INBOX', '/users/ann/Lists', 'ann:1']) assert.ok(!startsSearch(w), w);
  });

  it('writes a search back as words that parse to the same search', () => {
    const cases = [['from', 'alice'], ['subject', 'quarterly report'], ['or', 'from', 'a', 'not', '(to', 'b', 'cc', 'c)'],
                   ['uid', '1:3,7,9:*'], ['uid', '*'], ['since', '2024-01-31', 'before', '1-Mar-2024']];
    for (const words of cases) {
      const term = parseSearchTerms(words, 'live');
      const text = formatSearch(term);
      // the shell would strip the quotes formatSearch puts around texts with spaces
      const again = parseSearchTerms(text.match(/"[^"]*"|\S+/g)!.map((w) => w.replace(/^"(.*)"$/, '$1')), 'live');
      assert.deepEqual(again, term, text);
    }
    assert.equal(multirangeToUidSet('{[1,4),[7,8),[9,)}'), '1:3,7,9:*');
  });
});

describe('import: mailbox arguments', () => {
  it('accepts /users/<login>/<name> and <login>:<name>', () => {
    assert.deepEqual(parseMailboxArg('/users/ann/Lists/pg'), { owner: 'ann', name: 'Lists/pg' });
    assert.deepEqual(parseMailboxArg('ann:Lists/pg'), { owner: 'ann', name: 'Lists/pg' });
    assert.deepEqual(parseMailboxArg('ann:INBOX'), { owner: 'ann', name: 'INBOX' });
    assert.throws(() => parseMailboxArg('INBOX'));
    assert.throws(() => parseMailboxArg('/users/ann'));
  });
});
