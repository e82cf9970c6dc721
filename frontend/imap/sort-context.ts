// CONTEXT=SORT (RFC 5267 §4.3): the positional arithmetic of a live sort's result. The result is
// kept as its UIDs in sort order; a message's sort keys never change, so members keep their
// relative order and only joiners need placing. Removals are written as (position, members)
// pairs from the last position to the first, so no pair shifts the ones after it; additions as
// pairs from the first position to the last, each position counted in the order that includes the
// pairs before it (RFC 5267 §4.3.3, §4.3.4: pairs are processed in the order they appear).

/** The UIDs of api.messages_sort's text ("" for none). */
export function uidsOf(text: string): number[] {
  if (text === '') return [];
  const parts = text.split(' ');
  const out = new Array<number>(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]);
  return out;
}

/**
 * ESORT's ALL (RFC 5267 §3.1): a sequence-set whose members appear in sort order, so only runs
 * that ascend by one in that order may be written as ranges.
 */
export function orderedSequenceSet(numbers: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < numbers.length;) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
    out.push(j > i ? `${numbers[i]}:${numbers[j]}` : String(numbers[i]));
    i = j + 1;
  }
  return out.join(',');
}

/** A context position (1-based) and the members at and after it, in sort order. */
export type PositionPair = readonly [number, number[]];

/** Drops `gone` from `order`: the new order and the REMOVEFROM pairs, last position first. */
export function removeFromOrder(order: readonly number[], gone: ReadonlySet<number>): { order: number[]; pairs: PositionPair[] } {
  const kept: number[] = [];
  const pairs: Array<[number, number[]]> = [];
  for (let i = 0; i < order.length; i++) {
    if (!gone.has(order[i])) {
      kept.push(order[i]);
      continue;
    }
    const run: number[] = [];
    const at = i + 1;
    while (i < order.length && gone.has(order[i])) run.push(order[i++]);
    i--;
    pairs.push([at, run]);
  }
  return { order: kept, pairs: pairs.reverse() };
}

/**
 * The positions of `gone` (ascending UIDs) when they are removed one at a time in that order, as
 * EXPUNGE responses remove them: each counted in the order that the earlier ones have left.
 */
export function sequentialPositions(order: readonly number[], goneAscending: readonly number[]): number[] {
  const index = new Map<number, number>();
  const wanted = new Set(goneAscending);
  for (let i = 0; i < order.length; i++) if (wanted.has(order[i])) index.set(order[i], i);
  // a Fenwick tree over the removed ones' original positions counts those already gone before each
  const originals = goneAscending.map((u) => index.get(u) ?? -1);
  const ranks = [...originals].sort((a, b) => a - b);
  const tree = new Int32Array(ranks.length + 1);
  const out: number[] = [];
  for (const p of originals) {
    if (p < 0) {
      out.push(0);
      continue;
    }
    // rank of p among the originals (1-based), by binary search
    let lo = 0;
    let hi = ranks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ranks[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    let before = 0;
    for (let k = lo; k > 0; k -= k & -k) before += tree[k];
    for (let k = lo + 1; k <= ranks.length; k += k & -k) tree[k]++;
    out.push(p - before + 1);
  }
  return out;
}

/** The ADDTO pairs that turn the order without the members of `added` into `merged`. */
export function additionPairs(merged: readonly number[], added: ReadonlySet<number>): PositionPair[] {
  const pairs: Array<[number, number[]]> = [];
  for (let i = 0; i < merged.length; i++) {
    if (!added.has(merged[i])) continue;
    const at = i + 1;
    const run: number[] = [];
    while (i < merged.length && added.has(merged[i])) run.push(merged[i++]);
    i--;
    pairs.push([at, run]);
  }
  return pairs;
}

/** Sorts UIDs by the live sort's criteria (api.messages_sort_among): the given ones, in order. */
export type SortAmong = (uids: readonly number[]) => Promise<number[]>;

/** When placeJoiners sorts everything at once, and how widely it samples otherwise. */
export interface PlacementLimits {
  /** below this many messages in all, one sort of everything is cheaper than narrowing */
  sortAllBelow: number;
  /** above this many joiners, one sort of everything is cheaper than narrowing for each */
  joinersAtMost: number;
  /** members sampled from a joiner's window per round: each round narrows it this much plus one */
  samples: number;
}

export const PLACEMENT: PlacementLimits = { sortAllBelow: 4096, joinersAtMost: 256, samples: 64 };

/**
 * Places `joiners` (UIDs not in `order`) into `order` by the sort's criteria. Small results, or
 * many joiners, are sorted whole in one call. Otherwise each joiner's place is narrowed by
 * rounds: it is sorted among up to 64 evenly spaced members of its window of the order (all
 * joiners and their samples in one call per round), so a million-message result needs four
 * rounds of at most 65 messages per joiner, whatever the criteria.
 */
export async function placeJoiners(order: readonly number[], joiners: readonly number[], sortAmong: SortAmong,
                                   limits: PlacementLimits = PLACEMENT): Promise<number[]> {
  if (joiners.length === 0) return [...order];
  const isJoiner = new Set(joiners);
  // each joiner goes right before order[slot] (slot order.length: at the end)
  const slot = new Map<number, number>();
  let joinerOrder: number[];
  if (order.length + joiners.length < limits.sortAllBelow || joiners.length > limits.joinersAtMost) {
    const sorted = await sortAmong([...order, ...joiners]);
    // walk the old order alongside; a member the database no longer has (expunged, not yet
    // reported) is stepped over and keeps its place
    let at = 0;
    joinerOrder = [];
    for (const u of sorted) {
      if (isJoiner.has(u)) {
        slot.set(u, at);
        joinerOrder.push(u);
        continue;
      }
      const k = order.indexOf(u, at);
      if (k >= 0) at = k + 1;
    }
  } else {
    joinerOrder = await narrowSlots(order, joiners, sortAmong, slot, limits.samples);
  }
  // a joiner the database no longer has goes last; it leaves again with its EXPUNGE
  for (const j of joiners) {
    if (!slot.has(j)) {
      slot.set(j, order.length);
      joinerOrder.push(j);
    }
  }
  const bySlot = new Map<number, number[]>();
  for (const j of joinerOrder) {
    const at = slot.get(j) ?? order.length;
    const list = bySlot.get(at);
    if (list) list.push(j);
    else bySlot.set(at, [j]);
  }
  const merged: number[] = [];
  for (let i = 0; i <= order.length; i++) {
    const here = bySlot.get(i);
    if (here) merged.push(...here);
    if (i < order.length) merged.push(order[i]);
  }
  return merged;
}

/**
 * Narrows each joiner's slot in `order` by rounds of sampling (see placeJoiners) and records it in
 * `slot`; returns the joiners in sort order.
 */
async function narrowSlots(order: readonly number[], joiners: readonly number[], sortAmong: SortAmong,
                           slot: Map<number, number>, samples: number): Promise<number[]> {
  // the slot lies in [lo, hi]; order[lo..hi-1] are the members not yet compared with
  const lo = new Map<number, number>(joiners.map((j) => [j, 0]));
  const hi = new Map<number, number>(joiners.map((j) => [j, order.length]));
  let joinerOrder: number[] = [];
  for (let round = 0; ; round++) {
    const open = joiners.filter((j) => (lo.get(j) ?? 0) < (hi.get(j) ?? 0));
    if (open.length === 0 && round > 0) break;
    const samplesOf = new Map<number, number[]>();
    const asked = new Set<number>(joiners);
    for (const j of open) {
      const a = lo.get(j) ?? 0;
      const n = (hi.get(j) ?? 0) - a;
      const picks: number[] = [];
      if (n <= samples) for (let k = a; k < a + n; k++) picks.push(k);
      else for (let s = 1; s <= samples; s++) picks.push(a + Math.floor((s * n) / (samples + 1)));
      samplesOf.set(j, picks);
      for (const k of picks) asked.add(order[k]);
    }
    const sorted = await sortAmong([...asked]);
    const rank = new Map<number, number>();
    sorted.forEach((u, i) => rank.set(u, i));
    joinerOrder = sorted.filter((u) => lo.has(u));
    for (const j of open) {
      const r = rank.get(j);
      if (r === undefined) {
        // gone from the database meanwhile: placeJoiners puts it last
        lo.set(j, hi.get(j) ?? 0);
        continue;
      }
      const picks = (samplesOf.get(j) ?? []).filter((k) => rank.has(order[k]));
      // the samples that sort before the joiner: its slot is after the last of them
      let before = 0;
      while (before < picks.length && (rank.get(order[picks[before]]) ?? 0) < r) before++;
      const a = before === 0 ? lo.get(j) ?? 0 : picks[before - 1] + 1;
      const b = before === picks.length ? hi.get(j) ?? 0 : picks[before];
      // no progress (its window's members are gone from the database): it goes at the window's start
      const stuck = a === lo.get(j) && b === hi.get(j);
      lo.set(j, a);
      hi.set(j, stuck ? a : Math.max(a, b));
    }
  }
  for (const j of joinerOrder) slot.set(j, lo.get(j) ?? order.length);
  return joinerOrder;
}
