// Argument grammar shared by the POP3 commands (RFC 1939 §3: arguments are separated by single
// spaces; message numbers are decimal). Pure.
import { Pop3Error, err } from './reply.ts';

const NUMBER = /^\d{1,10}$/;

function bad(): Pop3Error {
  return new Pop3Error(err('Invalid argument'));
}

/** Exactly the given count of decimal numbers. */
export function numbers(args: string, count: number): number[] {
  const parts = args === '' ? [] : args.split(' ');
  if (parts.length !== count || !parts.every((p) => NUMBER.test(p))) throw bad();
  return parts.map(Number);
}

/** An optional message number (LIST, UIDL). */
export function optionalNumber(args: string): number | null {
  return args.trim() === '' ? null : numbers(args.trim(), 1)[0];
}

export function noArguments(args: string): null {
  if (args.trim() !== '') throw bad();
  return null;
}
