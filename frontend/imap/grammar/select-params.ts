// SELECT/EXAMINE parameters (RFC 4466 §2.1, CONDSTORE and QRESYNC from RFC 7162):
//
//   select-params  = SP "(" select-param *(SP select-param) ")"
//   select-param   = "CONDSTORE" / "QRESYNC" SP "(" uidvalidity SP mod-sequence-value
//                    [SP known-uids] [SP seq-match-data] ")"
//   known-uids     = sequence-set          ; "*" is not allowed
//   seq-match-data = "(" known-sequence-set SP known-uid-set ")"
//
// Whether QRESYNC may be used (ENABLE QRESYNC first) is the command's check.

import { Cursor, ParseError } from '../parser.ts';
import type { SequenceSet } from '../seqset.ts';
import type { QresyncParams, SelectParams } from '../types.ts';

/** A sequence set of explicit numbers: neither `*` nor `$`. */
function explicitSet(c: Cursor): SequenceSet {
  const start = c.position;
  const spec = c.sequenceSet();
  if (spec.hasStar || spec.isSaved) throw new ParseError('"*" and "$" are not allowed in QRESYNC', start);
  return spec.resolve(0);
}

function parseQresync(c: Cursor): QresyncParams {
  c.require('(');
  const uidValidity = c.nzNumber();
  c.space();
  // mod-sequence-value is positive, but a client that never saw a modseq may send 0: harmless
  const modseq = c.number64();
  let knownUids: SequenceSet | null = null;
  let seqMatch: QresyncParams['seqMatch'] = null;
  if (c.trySpace()) {
    if (c.peekChar() !== '(') {
      knownUids = explicitSet(c);
      if (c.trySpace()) seqMatch = parseSeqMatch(c);
    } else {
      seqMatch = parseSeqMatch(c);
    }
  }
  c.require(')');
  return { uidValidity, modseq, knownUids, seqMatch };
}

function parseSeqMatch(c: Cursor): { sequences: SequenceSet; uids: SequenceSet } {
  c.require('(');
  const sequences = explicitSet(c);
  c.space();
  const uids = explicitSet(c);
  c.require(')');
  return { sequences, uids };
}

/** The optional select-params after the mailbox name, with their leading SP. */
export function parseSelectParams(c: Cursor): SelectParams {
  const params: SelectParams = { condstore: false, qresync: null };
  if (c.peekChar() !== ' ' || !c.rest().some((b) => b !== 0x20)) return params;
  c.space();
  // an empty list is not in the grammar, but means nothing and hurts nobody
  c.list(
    (cur) => {
      const at = cur.position;
      const word = cur.keywordToken();
      if (word === 'CONDSTORE' && !params.condstore) {
        params.condstore = true;
      } else if (word === 'QRESYNC' && params.qresync === null) {
        cur.space();
        params.qresync = parseQresync(cur);
      } else {
        throw new ParseError(
          word === 'CONDSTORE' || word === 'QRESYNC' ? `Duplicate ${word}` : `Unknown SELECT parameter ${word.slice(0, 30)}`,
          at,
        );
      }
    },
    { allowEmpty: true },
  );
  return params;
}
