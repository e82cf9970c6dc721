// Builds ThreadMessage values for the threading unit tests the way api.messages_thread_data
// delivers them: base subject from the MIME library, subject only when it differs from the base.
import { baseSubject } from '../../frontend/mime/base-subject.ts';
import type { ThreadMessage } from '../../frontend/imap/threading/types.ts';

export interface Spec {
  id?: string | null;
  refs?: string[];
  irt?: string[];
  subject?: string;
  /** minutes after an arbitrary epoch; defaults to the UID */
  date?: number;
}

const T0 = Date.UTC(2020, 0, 1);

export function msg(uid: number, spec: Spec = {}): ThreadMessage {
  const subject = spec.subject ?? `subject ${uid}`;
  const base = baseSubject(subject);
  return {
    uid,
    messageId: spec.id === undefined ? `<${uid}@test>` : spec.id,
    inReplyTo: spec.irt ?? [],
    references: spec.refs ?? [],
    baseSubject: base,
    subject: subject === base ? null : subject,
    sentDate: T0 + (spec.date ?? uid) * 60_000,
  };
}

/** "<n@test>" for UID n's default Message-ID. */
export function id(n: number | string): string {
  return `<${n}@test>`;
}
