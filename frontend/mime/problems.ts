// Collects what could not be parsed cleanly. A message with problems is still stored and served
// byte-exact; the list only tells an administrator (and `aox reparse`) which parsed views are
// guesses. Duplicates are dropped and the list is capped, because one broken construct repeated
// a million times must not turn into a million strings.

const MAX_PROBLEMS = 50;

export class Problems {
  readonly list: string[] = [];
  private readonly seen = new Set<string>();

  add(problem: string): void {
    if (this.seen.has(problem) || this.list.length >= MAX_PROBLEMS) return;
    this.seen.add(problem);
    this.list.push(problem);
  }
}

/** Cuts user-controlled text quoted in a problem string to a readable length. */
export function quoteForProblem(text: string): string {
  let clean = '';
  for (const c of text.slice(0, 41)) clean += c < ' ' || c === '\x7f' ? '?' : c;
  return JSON.stringify(text.length > 40 ? clean.slice(0, 40) + '…' : clean);
}
