// The Received: trace field an LMTP server prepends to every message it accepts (RFC 5321 §4.4,
// RFC 5322 §3.6.7). Pure: the caller supplies the time and the id.
import { isIPv4, isIPv6 } from 'node:net';

export interface TraceInfo {
  /** the name the client gave in LHLO (already checked to be a domain or address literal) */
  heloName: string;
  /** the client's IP address as the socket reports it */
  remoteAddress: string;
  /** our hostname */
  hostname: string;
  /** RFC 3848 / RFC 6531 §3.7.3 protocol type: LMTP, or UTF8LMTP when SMTPUTF8 was used */
  protocol: 'LMTP' | 'UTF8LMTP';
  id: string;
  /** the recipient for the "for" clause; null with several recipients (one stored copy serves all) */
  recipient: string | null;
  date: Date;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 §3.3 date-time, in UTC. */
export function rfc5322Date(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** The address-literal of RFC 5321 §4.1.3 for a socket address. */
export function addressLiteral(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return `[${v4[1]}]`;
  if (isIPv4(ip)) return `[${ip}]`;
  if (isIPv6(ip)) return `[IPv6:${ip}]`;
  return '[unknown]';
}

/** "Received: from … by … with LMTP id …[ for <…>]; date" folded, ending in CRLF. */
export function receivedField(t: TraceInfo): Buffer {
  const lines = [
    `Received: from ${t.heloName} (${addressLiteral(t.remoteAddress)})`,
    `\tby ${t.hostname} (aox) with ${t.protocol} id ${t.id}`,
  ];
  if (t.recipient !== null) lines.push(`\tfor <${t.recipient}>;`);
  else lines[lines.length - 1] += ';';
  lines.push(`\t${rfc5322Date(t.date)}`);
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
}
