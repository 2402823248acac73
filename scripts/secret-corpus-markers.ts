/**
 * Maintains the labelled secret corpus (`fixtures/secret-corpus/`): its files carry no labels,
 * the labels live in the sidecar `labels.csv` (path, line, T/F, category, kind). Editing line
 * numbers by hand is error-prone, so this tool moves labels between the sidecar and inline
 * markers at the end of labelled lines:
 *
 *   npx tsx scripts/secret-corpus-markers.ts mark  [CORPUS_DIR] [DRAFT_DIR]   # files + labels.csv → draft with markers
 *   npx tsx scripts/secret-corpus-markers.ts strip [DRAFT_DIR] [CORPUS_DIR]   # draft with markers → files + labels.csv
 *
 * A marker is ` ⟦T pw:kind⟧` (a true secret: category code, then our own kind) or ` ⟦F kind⟧`
 * (a look-alike that must stay quiet). Category codes follow CredData's categories.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatLabelsCsv, parseLabelsCsv, type SecretLabel } from './secret-labels.ts';

export const CATEGORY_CODES: Record<string, string> = {
  pw: 'Password',
  secret: 'Generic Secret',
  pkey: 'Private Key',
  pattern: 'Predefined Pattern',
  token: 'Generic Token',
  auth: 'Authentication Key & Token',
  salt: 'Seed, Salt, Nonce',
  other: 'Other',
};
const CODE_OF = Object.fromEntries(Object.entries(CATEGORY_CODES).map(([code, name]) => [name, code]));
const MARKER = /\s?⟦([TF]) ([^⟧]*)⟧/;

function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, child));
    else if (entry.isFile()) out.push(child);
  }
  return out.sort();
}

function strip(draftDir: string, corpusDir: string): void {
  const labels: SecretLabel[] = [];
  const filesDir = path.join(corpusDir, 'files');
  rmSync(filesDir, { recursive: true, force: true });
  for (const rel of listFiles(draftDir)) {
    const lines = readFileSync(path.join(draftDir, rel), 'utf8').split('\n');
    const kept = lines.map((line, i) => {
      const m = MARKER.exec(line);
      if (!m) return line;
      const [code, kind] = m[1] === 'T' ? (m[2].split(':') as [string, string | undefined]) : [undefined, m[2]];
      const category = code ? CATEGORY_CODES[code] : '';
      if (code && !category) throw new Error(`${rel}:${i + 1}: unknown category code "${code}"`);
      labels.push({ file: rel, lineStart: i + 1, lineEnd: i + 1, truth: m[1] === 'T' ? 'T' : 'F', category: category ?? '', kind: (kind ?? '').trim() });
      return line.replace(MARKER, '').trimEnd();
    });
    mkdirSync(path.dirname(path.join(filesDir, rel)), { recursive: true });
    writeFileSync(path.join(filesDir, rel), kept.join('\n'));
  }
  writeFileSync(path.join(corpusDir, 'labels.csv'), formatLabelsCsv(labels));
  const truths = labels.filter((l) => l.truth === 'T').length;
  console.log(`${listFiles(filesDir).length} files, ${labels.length} labels: ${truths} true, ${labels.length - truths} false`);
}

function mark(corpusDir: string, draftDir: string): void {
  const filesDir = path.join(corpusDir, 'files');
  const byFile = new Map<string, SecretLabel[]>();
  for (const label of parseLabelsCsv(readFileSync(path.join(corpusDir, 'labels.csv'), 'utf8'))) {
    const list = byFile.get(label.file) ?? [];
    list.push(label);
    byFile.set(label.file, list);
  }
  rmSync(draftDir, { recursive: true, force: true });
  for (const rel of listFiles(filesDir)) {
    const lines = readFileSync(path.join(filesDir, rel), 'utf8').split('\n');
    for (const label of byFile.get(rel) ?? []) {
      const code = label.truth === 'T' ? `${CODE_OF[label.category] ?? 'other'}:${label.kind}` : label.kind;
      lines[label.lineStart - 1] += ` ⟦${label.truth} ${code}⟧`;
    }
    mkdirSync(path.dirname(path.join(draftDir, rel)), { recursive: true });
    writeFileSync(path.join(draftDir, rel), lines.join('\n'));
  }
  console.log(`draft written to ${draftDir}`);
}

const [command, a, b] = process.argv.slice(2);
const corpus = path.resolve(import.meta.dirname, '../fixtures/secret-corpus');
if (command === 'strip') strip(path.resolve(a ?? '/tmp/secret-corpus-draft'), path.resolve(b ?? corpus));
else if (command === 'mark') mark(path.resolve(a ?? corpus), path.resolve(b ?? '/tmp/secret-corpus-draft'));
else {
  console.error('usage: secret-corpus-markers.ts mark|strip [FROM] [TO]');
  process.exit(2);
}
