// The importer's two database calls, as the owner role: which messages the target mailbox already
// holds (on a second connection, so it overlaps the previous batch's insert), and storing a batch.
import type pg from 'pg';

export interface StoreBatch {
  raws: Buffer[];
  /** parsed views, each already JSON text */
  metas: string[];
  flags: string[][];
  dates: Date[];
  /** occurrence number of each (bytes, date) in this run (see admin.messages_import) */
  occ: number[];
}

export interface ImportStore {
  /** 0-based indexes of the messages the mailbox already holds */
  present(hashes: Buffer[], dates: Date[], occ: number[]): Promise<Set<number>>;
  /** stores a batch; returns the 0-based indexes stored (the others were there already) */
  store(batch: StoreBatch): Promise<number[]>;
}

export class PgImportStore implements ImportStore {
  constructor(private readonly writer: pg.ClientBase, private readonly reader: pg.ClientBase,
              readonly mailbox: number) {}

  // the pipeline checks several batches at once; one connection runs one query at a time (node-pg
  // queues overlapping ones only as a deprecated convenience), so the checks take turns here
  private readerTurn: Promise<unknown> = Promise.resolve();

  async present(hashes: Buffer[], dates: Date[], occ: number[]): Promise<Set<number>> {
    if (hashes.length === 0) return new Set();
    const query = this.readerTurn.catch(() => undefined).then(() => this.reader.query<{ idx: number }>(
      'select idx from admin.messages_import_present($1, $2, $3, $4)', [this.mailbox, hashes, dates, occ]));
    this.readerTurn = query;
    const r = await query;
    return new Set(r.rows.map((x) => x.idx - 1));
  }

  async store(b: StoreBatch): Promise<number[]> {
    if (b.raws.length === 0) return [];
    const r = await this.writer.query<{ idx: number }>(
      'select idx from admin.messages_import_packed($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)',
      [this.mailbox, Buffer.concat(b.raws), b.raws.map((x) => x.length), '[' + b.metas.join(',') + ']',
       JSON.stringify(b.flags), b.dates, b.occ]);
    return r.rows.map((x) => x.idx - 1);
  }
}
