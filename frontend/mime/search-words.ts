// The words of a message's searchable text, for the word index behind SEARCH TEXT and BODY
// (db/migrations/0012_search-words.sql). A word is a maximal run of characters that are not ASCII
// controls, spaces or punctuation. A searched string made only of such characters can occur in a
// text only inside one word, so the set of words that contain it finds exactly the messages a
// substring scan would find, without reading their text.
//
// The separator set is fixed and ASCII-only so that this split and the one in SQL
// (mail.search_words_split, db/functions/45_imap.sql) agree character for character; the database
// case-folds the words, exactly as it folds the searched string.

// eslint-disable-next-line no-control-regex
export const WORD_SEPARATORS = /[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/;

/** The distinct words of the texts, joined by single spaces (the form mail.inject reads). */
export function searchWords(...texts: string[]): string {
  const seen = new Set<string>();
  for (const text of texts) {
    for (const word of text.split(WORD_SEPARATORS)) {
      if (word !== '') seen.add(word);
    }
  }
  return [...seen].join(' ');
}
