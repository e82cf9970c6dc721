// Every protocol limit in one place, named. Changing one is a deliberate decision.

/** Longest command line we accept, not counting literals (RFC 7162 §4 asks for at least 8192). */
export const MAX_LINE = 64 * 1024;
/** Largest literal outside APPEND (a search string, a mailbox name…). */
export const MAX_NON_APPEND_LITERAL = 1024 * 1024;
/** Largest message accepted (APPENDLIMIT, LMTP SIZE), unless appendlimit says otherwise. */
export const DEFAULT_MAX_MESSAGE = 100 * 1024 * 1024;
/** Total bytes of one command, literals included (MULTIAPPEND of several messages). */
export const MAX_COMMAND_BYTES = 256 * 1024 * 1024;
/** Bad commands in a row before the server says BYE. */
export const MAX_BAD_COMMANDS = 10;
/** Failed authentications per connection before it is closed. */
export const MAX_AUTH_FAILURES = 3;
/** Delay after a failed authentication, growing with each failure. */
export const AUTH_FAILURE_DELAY_MS = 1000;
/** RFC 3501 §5.4: an authenticated client may stay idle at least 30 minutes. */
export const IDLE_TIMEOUT_AUTHENTICATED_MS = 31 * 60 * 1000;
/** Before login a silent client is dropped sooner. */
export const IDLE_TIMEOUT_UNAUTHENTICATED_MS = 2 * 60 * 1000;
/** RFC 1939 §3: POP3 autologout timer of at least 10 minutes. */
export const POP3_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
/** RFC 5321 §4.5.3.2: at least 5 minutes between SMTP/LMTP commands; 10 for DATA blocks. */
export const LMTP_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
/** Messages fetched from the database per batch when a FETCH or SEARCH covers many. */
export const FETCH_BATCH = 500;
/** Messages per database call when a FETCH asks only for UID, FLAGS, MODSEQ, INTERNALDATE or
 *  RFC822.SIZE (one row of arrays per call), and per result row of a STORE that echoes flags. */
export const FETCH_CHEAP_BATCH = 10_000;
/** How often a selected session polls for changes in case a notification was lost. */
export const SAFETY_POLL_MS = 30 * 1000;
/**
 * Searches with RETURN (UPDATE) one session may keep live at once (RFC 5267 §4.3); more are
 * answered with NOUPDATE. Each costs one UID-restricted search per batch of changes.
 */
export const MAX_SEARCH_UPDATES = 8;
