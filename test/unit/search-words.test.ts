// The word split behind the SEARCH TEXT/BODY word index (frontend/mime/search-words.ts).
import assert from 'node:assert/strict';
import { searchWords } from '../../frontend/mime/search-words.ts';

const words = (...texts: string[]) => searchWords(...texts).split(' ').filter((w) => w !== '').sort();

describe('search words', () => {
  it('splits at ASCII spaces, controls and punctuation and keeps each word once', () => {
    assert.deepEqual(words('Hello, hello world!\tfoo_bar\r\nx-y.z@host:8080'),
      ['8080', 'Hello', 'bar', 'foo', 'hello', 'host', 'world', 'x', 'y', 'z']);
  });

  it('keeps digits, letters and every non-ASCII character inside words', () => {
    assert.deepEqual(words('Straße 42abc Ärger\u00a0heute 日本語テキスト déjà-vu'),
      ['42abc', 'Straße', 'déjà', 'vu', 'Ärger\u00a0heute', '日本語テキスト']);
  });

  it('joins the words of several texts, and gives nothing for text without words', () => {
    assert.deepEqual(words('Subject', 'Re: lunch', 'From', 'a@b'), ['From', 'Re', 'Subject', 'a', 'b', 'lunch']);
    assert.equal(searchWords('', '  ...\r\n'), '');
  });
});
