// ThreadMessage objects as the columns the algorithms take (RFC 5256 §4's "references" rule
// applied: References, else the first id of In-Reply-To).

import type { ThreadColumns, ThreadMessage } from './types.ts';

export function columnsOf(messages: readonly ThreadMessage[]): ThreadColumns {
  const ordered = [...messages].sort((a, b) => a.uid - b.uid);
  return {
    uid: ordered.map((m) => m.uid),
    messageId: ordered.map((m) => m.messageId),
    references: ordered.map((m) => (m.references.length > 0 ? m.references.join(' ') : m.inReplyTo[0] ?? null)),
    baseSubject: ordered.map((m) => m.baseSubject),
    subject: ordered.map((m) => m.subject),
    sentDate: ordered.map((m) => m.sentDate),
  };
}
