/**
 * Secret-detection accuracy on a labelled corpus: recall, precision and F1 in total, per
 * category, per kind and per file type, then the misses and the false alarms.
 *
 *   npm run eval:secrets                                   # our own corpus (fixtures/secret-corpus)
 *   npm run eval:secrets -- --labels meta/ --root .        # a CredData checkout (labels = meta/*.csv)
 *   options: --unlabelled fp|ignore   count findings on lines no label covers as false alarms
 *                                     (default: fp for our corpus, where every candidate is labelled;
 *                                     ignore for external sets, which label only what some tool flagged)
 *            --max-file-kb N          files up to N KB are read (default 16384 for external sets)
 *            --list N                 how many misses and false alarms to list (default 40)
 *            --subset PREFIX          only labels and findings under this path prefix (`holdout/`)
 *            --json                   machine-readable summary on stdout
 *
 * Not a test: it prints figures and exits 0; `test/secret-corpus.test.ts` holds the thresholds.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateSecrets, readLabels, scores, type EvalResult, type Tally } from './secret-eval-core.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) fail(`--${name} needs a value`);
  return value;
};
function fail(message: string): never {
  console.error(`eval:secrets: ${message}`);
  process.exit(2);
}

const own = path.resolve(import.meta.dirname, '../fixtures/secret-corpus');
const labelsPath = path.resolve(flag('labels') ?? path.join(own, 'labels.csv'));
const external = flag('labels') !== undefined;
const root = path.resolve(flag('root') ?? (external ? path.dirname(labelsPath) : path.join(own, 'files')));
const unlabelledMode = flag('unlabelled') ?? (external ? 'ignore' : 'fp');
if (unlabelledMode !== 'fp' && unlabelledMode !== 'ignore') fail('--unlabelled takes fp or ignore');
const listLimit = Number(flag('list') ?? 40);
const maxFileKb = Number(flag('max-file-kb') ?? (external ? 16384 : 1024));
if (!Number.isFinite(listLimit) || !Number.isFinite(maxFileKb)) fail('--list and --max-file-kb take numbers');

const subset = flag('subset');
let labels;
try {
  labels = readLabels(labelsPath).filter((l) => !subset || l.file.startsWith(subset));
} catch (error) {
  fail(`cannot read labels from ${labelsPath}: ${(error as Error).message}`);
}
const result = await evaluateSecrets({ root, labels, maxFileSizeKb: maxFileKb, subset });
const extraFp = unlabelledMode === 'fp' ? result.unlabelled.length : 0;

if (args.includes('--json')) {
  const json = (t: Tally, extra = 0) => ({ ...t, ...scores(t, extra) });
  console.log(
    JSON.stringify(
      {
        root,
        labels: result.labels,
        unlabelledFindings: result.unlabelled.length,
        unlabelledCountedAsFalseAlarms: unlabelledMode === 'fp',
        total: json(result.total, extraFp),
        byCategory: Object.fromEntries([...result.byCategory].map(([k, t]) => [k, json(t)])),
        byExtension: Object.fromEntries([...result.byExtension].map(([k, t]) => [k, json(t)])),
        seconds: result.seconds,
      },
      null,
      2,
    ),
  );
} else printReport(result);

function pct(n: number): string {
  return `${(n * 100).toFixed(1)}%`;
}

function table(title: string, map: Map<string, Tally>, positivesOnly = false): void {
  console.log(`\n${title}`);
  const rows = [...map].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const width = Math.max(12, ...rows.map(([k]) => k.length));
  console.log(`  ${'name'.padEnd(width)}  ${'TP'.padStart(4)} ${'FN'.padStart(4)} ${'FP'.padStart(4)} ${'TN'.padStart(4)}  recall  precision`);
  for (const [key, t] of rows) {
    const s = scores(t);
    const recall = t.tp + t.fn ? pct(s.recall).padStart(6) : '     -';
    const precision = positivesOnly || t.tp + t.fp === 0 ? '        -' : pct(s.precision).padStart(9);
    console.log(`  ${key.padEnd(width)}  ${String(t.tp).padStart(4)} ${String(t.fn).padStart(4)} ${String(t.fp).padStart(4)} ${String(t.tn).padStart(4)}  ${recall}  ${precision}`);
  }
}

function lineText(file: string, line: number): string {
  try {
    const text = readFileSync(path.join(root, file), 'utf8').split('\n')[line - 1] ?? '';
    const trimmed = text.trim();
    return trimmed.length > 110 ? `${trimmed.slice(0, 107)}…` : trimmed;
  } catch {
    return '(unreadable)';
  }
}

function printReport(r: EvalResult): void {
  const s = scores(r.total, extraFp);
  const labelledOnly = scores(r.total);
  const positives = r.total.tp + r.total.fn;
  console.log(`secret detection on ${root}`);
  console.log(`  ${r.labels} labelled lines (${positives} true, ${r.labels - positives} false), ${r.filesAudited} files audited in ${r.seconds.toFixed(1)} s`);
  console.log(`  recall     ${pct(s.recall)}  (${r.total.tp} of ${positives} true secrets reported)`);
  console.log(`  precision  ${pct(s.precision)}  (${r.total.fp} labelled false alarms${unlabelledMode === 'fp' ? `, ${r.unlabelled.length} findings on unlabelled lines counted as false alarms` : ''})`);
  if (unlabelledMode === 'ignore') console.log(`             (${r.unlabelled.length} findings on unlabelled lines not counted)`);
  else console.log(`             (labelled lines only: ${pct(labelledOnly.precision)})`);
  console.log(`  F1         ${pct(s.f1)}`);
  table('by category (true secrets)', r.byCategory, false);
  table('by kind', r.byKind);
  table('by file type', r.byExtension);
  const list = <T>(title: string, items: T[], show: (item: T) => string) => {
    console.log(`\n${title} (${items.length}${items.length > listLimit ? `, first ${listLimit}` : ''})`);
    for (const item of items.slice(0, listLimit)) console.log(`  ${show(item)}`);
  };
  list('misses', r.misses, (l) => `${l.file}:${l.lineStart} [${l.category || '-'} / ${l.kind || '-'}] ${lineText(l.file, l.lineStart)}`);
  list('false alarms', r.falseAlarms, ({ label, by }) => `${label.file}:${label.lineStart} [${label.kind || '-'}] ${by.ruleId}/${by.messageId}: ${lineText(label.file, label.lineStart)}`);
  list('findings on unlabelled lines', r.unlabelled, (l) => `${l.file}:${l.startLine} ${l.ruleId}/${l.messageId}: ${lineText(l.file, l.startLine)}`);
}
