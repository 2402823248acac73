/**
 * Regression guard for secret detection: the rules audit our labelled corpus
 * (fixtures/secret-corpus: realistic files in ~40 languages and formats, true secrets and as many
 * look-alikes) and must keep recall and precision above the floors below. `npm run eval:secrets`
 * prints the full breakdown, the misses and the false alarms; this test only holds the line.
 *
 * The floors sit a little under today's figures so a regression fails CI while one relabelled line
 * does not. The held-out slices (written before the scanner was run on them) are checked on their
 * own: they say more about files the rules were not tuned on.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateSecrets, readLabels, scores, type EvalResult } from '../scripts/secret-eval-core.ts';

const corpus = path.resolve(import.meta.dirname, '../fixtures/secret-corpus');
const root = path.join(corpus, 'files');
const labels = readLabels(path.join(corpus, 'labels.csv'));

let result: EvalResult | undefined;
const evaluate = async () => (result ??= await evaluateSecrets({ root, labels }));
const describeMisses = (r: EvalResult, prefix = '') =>
  [
    ...r.misses.filter((l) => l.file.startsWith(prefix)).map((l) => `missed ${l.file}:${l.lineStart} (${l.kind})`),
    ...r.falseAlarms.filter((f) => f.label.file.startsWith(prefix)).map((f) => `false alarm ${f.label.file}:${f.label.lineStart} (${f.label.kind}) by ${f.by.ruleId}`),
    ...r.unlabelled.filter((l) => l.file.startsWith(prefix)).map((l) => `unlabelled finding ${l.file}:${l.startLine} by ${l.ruleId}`),
  ].join('\n');

describe('secret corpus', () => {
  it('has labels that point at real lines', () => {
    const problems: string[] = [];
    for (const label of labels) {
      const file = path.join(root, label.file);
      if (!existsSync(file)) {
        problems.push(`${label.file}: no such file`);
        continue;
      }
      const line = readFileSync(file, 'utf8').split('\n')[label.lineStart - 1];
      if (line === undefined || (label.truth === 'T' && !line.trim())) problems.push(`${label.file}:${label.lineStart}: no line to label`);
    }
    expect(problems).toEqual([]);
    expect(labels.filter((l) => l.truth === 'T').length).toBeGreaterThanOrEqual(250);
    expect(labels.filter((l) => l.truth !== 'T').length).toBeGreaterThan(labels.filter((l) => l.truth === 'T').length);
  });

  it('finds at least 97% of the true secrets with at least 97% precision (unlabelled findings count as false alarms)', async () => {
    const r = await evaluate();
    const s = scores(r.total, r.unlabelled.length);
    expect({ recall: s.recall >= 0.97, precision: s.precision >= 0.97 }, `recall ${s.recall.toFixed(3)}, precision ${s.precision.toFixed(3)}\n${describeMisses(r)}`).toEqual({ recall: true, precision: true });
  });

  it.each(['holdout/', 'holdout2/'])('keeps recall and precision at 90%% on the held-out slice %s', async (prefix) => {
    const r = await evaluate();
    const slice = r.truePositives.filter((t) => t.label.file.startsWith(prefix)).length;
    const missed = r.misses.filter((l) => l.file.startsWith(prefix)).length;
    const alarms = r.falseAlarms.filter((f) => f.label.file.startsWith(prefix)).length + r.unlabelled.filter((l) => l.file.startsWith(prefix)).length;
    const recall = slice / (slice + missed);
    const precision = slice / (slice + alarms);
    expect({ recall: recall >= 0.9, precision: precision >= 0.9 }, `recall ${recall.toFixed(3)}, precision ${precision.toFixed(3)}\n${describeMisses(r, prefix)}`).toEqual({ recall: true, precision: true });
  });
});
