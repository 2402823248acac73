import { DUPLICATION_WINDOW, measureDuplication } from '../../facts/duplication.ts';
import type { Location } from '../../model/finding.ts';
import { defineRule } from '../../model/rule.ts';

/** Reported only when copies are a large share of a codebase of some size (a few copies are normal). */
export const DUPLICATION_LIMITS = {
  low: { percent: 10, lines: 300 },
  medium: { percent: 20, lines: 1_000 },
} as const;

const fmt = (n: number) => n.toLocaleString('en-US');
const span = (l: Location) => `${l.file}:${l.startLine}-${l.endLine}`;

export default defineRule({
  meta: {
    id: 'duplicated-code',
    category: 'code-health',
    title: 'Large share of copy-pasted code',
    severity: 'low',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Duplication',
    effortHours: 8,
    messages: {
      duplicated:
        '{{percent}}% of the source lines ({{duplicated}} of {{total}}) are copies of code elsewhere in the repository; the largest copy ({{lines}} lines of code) stands at `{{first}}` and `{{second}}`.',
    },
    why: [
      'Copied code is fixed in one place and left broken in the others: a security check, a validation or a bug fix lands in the copy someone remembered. Every copy is also more code to review, test and keep in step, and the copies drift apart until nobody knows which one is right.',
      '',
      `A line counts as duplicated when it lies in a run of ${DUPLICATION_WINDOW} or more normalised lines (white space folded; blank lines, comments, imports and lone brackets left out) that occurs again elsewhere. Reported from ${DUPLICATION_LIMITS.low.percent}% and ${fmt(DUPLICATION_LIMITS.low.lines)} duplicated lines (low), ${DUPLICATION_LIMITS.medium.percent}% and ${fmt(DUPLICATION_LIMITS.medium.lines)} (medium). Tests, migrations and generated code are not measured.`,
    ].join('\n'),
    fix: [
      'Start with the largest copies (listed with the finding): move the shared logic into one function or module and call it from each place, with a test on the shared version.',
      '',
      '```python',
      '# app/billing/totals.py — once',
      'def order_total(order: Order) -> Decimal:',
      '    subtotal = sum(i.price * i.quantity for i in order.items)',
      '    return (subtotal - order.discount) * (1 + tax_rate(order.country))',
      '',
      '# app/routers/orders.py and app/routers/invoices.py',
      'from app.billing.totals import order_total',
      '```',
    ].join('\n'),
    examples: {
      bad: Object.fromEntries(
        ['orders', 'invoices'].map((name) => [
          `app/${name}.py`,
          Array.from({ length: 60 }, (_, i) => `def total_${i}(order):\n    subtotal = sum(item.price * item.quantity for item in order.items_${i})\n    return round(subtotal * (1 + TAX_RATES.get(order.country, 0.2)), 2)\n`).join('\n'),
        ]),
      ),
      good: {
        'app/orders.py': Array.from({ length: 60 }, (_, i) => `def total_${i}(order):\n    return order_total(order, section=${i})\n`).join('\n'),
      },
    },
    references: { equivalents: ['sonarqube:duplicated_lines_density', 'jscpd', 'pmd:cpd'] },
  },
  check({ files, report }) {
    const facts = measureDuplication(files);
    if (facts.percent === null) return;
    const severity = (['medium', 'low'] as const).find((s) => facts.percent! >= DUPLICATION_LIMITS[s].percent && facts.duplicatedLines >= DUPLICATION_LIMITS[s].lines);
    const largest = facts.largest[0];
    if (!severity || !largest) return;
    const [first, second] = largest.places;
    const related = facts.largest.slice(0, 5).flatMap((block, i) =>
      block.places.map((place, j) => ({ ...place, note: i === 0 && j === 0 ? `largest copy (${block.lines} lines)` : `copy ${i + 1} (${block.lines} lines), place ${j + 1}` })),
    );
    report({
      messageId: 'duplicated',
      // Anchored on the file of the largest copy, without a snippet: the finding keeps its identity as the copies change.
      at: { file: first.file, startLine: first.startLine, endLine: first.endLine },
      data: {
        percent: String(facts.percent),
        duplicated: fmt(facts.duplicatedLines),
        total: fmt(facts.sourceLines),
        lines: String(largest.lines),
        first: span(first),
        second: span(second),
      },
      related: related.slice(1),
      severity,
    });
  },
});
