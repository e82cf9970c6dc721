// A small seeded PRNG (sfc32, seeded through splitmix32) so that the data set is the same bytes on
// every machine and Node version: Math.random cannot be seeded, and the generator must not depend on
// anything but (seed, size, corpus).
import { createCipheriv } from 'node:crypto';

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const st = { s: seed | 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    // the first outputs of sfc32 are poorly mixed; discard them
    for (let i = 0; i < 16; i++) this.next();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)];
  }

  /**
   * n pseudo-random bytes: AES-128-CTR over zeros, keyed from this generator. As deterministic as
   * the generator itself on every platform, and fast enough for a gigabyte of attachments.
   */
  bytes(n: number): Buffer {
    const keyIv = Buffer.alloc(32);
    for (let i = 0; i < 32; i += 4) keyIv.writeUInt32LE(this.next(), i);
    const cipher = createCipheriv('aes-128-ctr', keyIv.subarray(0, 16), keyIv.subarray(16));
    return Buffer.concat([cipher.update(Buffer.alloc(n)), cipher.final()]);
  }
}
