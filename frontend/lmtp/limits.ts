// LMTP-specific limits; the shared ones live in frontend/net/limits.ts.

/** RFC 5321 §4.5.3.1.8 asks for at least 100 recipients per transaction. */
export const MAX_RECIPIENTS = 1000;
/** Longest LHLO name we put into a Received field (a domain is at most 255 octets). */
export const MAX_HELO_NAME = 255;
/** How long a shutdown waits for a delivery in progress to commit before saying 421. */
export const SHUTDOWN_GRACE_MS = 10_000;
