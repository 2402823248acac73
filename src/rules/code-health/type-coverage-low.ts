import { measurePythonAnnotations, measureTypescriptAny } from '../../facts/type-coverage.ts';
import { defineRule } from '../../model/rule.ts';

/** Only a large codebase with very little typing is reported (small scripts and prototypes are not). */
export const TYPE_COVERAGE_LIMITS = {
  /** Python: code lines measured, and the annotation share below which it is reported. */
  python: { minLines: 5_000, belowPercent: 25 },
  /** TypeScript: code lines measured, and the explicit-`any` density from which it is reported. */
  typescript: { minLines: 5_000, anyPerThousandLines: 10 },
} as const;

const fmt = (n: number) => n.toLocaleString('en-US');

export default defineRule({
  meta: {
    id: 'type-coverage-low',
    category: 'code-health',
    title: 'Very little type information in a large codebase',
    severity: 'low',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Type Safety',
    effortHours: 16,
    messages: {
      pythonAnnotations:
        'Only {{percent}}% of the function parameters and return values in {{files}} Python files ({{lines}} lines) are annotated ({{annotated}} of {{slots}}); least typed: {{worst}}.',
      typescriptAny: 'The TypeScript code uses explicit `any` {{count}} times in {{lines}} lines ({{density}} per 1,000 lines); most in {{worst}}.',
    },
    why: [
      'Type annotations are how a large codebase is changed safely: a type checker (mypy, pyright, tsc) finds the call sites a change breaks before users do, editors can follow the code, and request and response shapes are documented where they are used. Without them every refactor is a guess, and `any` switches the TypeScript checker off exactly where data enters.',
      '',
      `Reported for Python below ${TYPE_COVERAGE_LIMITS.python.belowPercent}% annotated parameters and returns in ${fmt(TYPE_COVERAGE_LIMITS.python.minLines)}+ lines, and for TypeScript from ${TYPE_COVERAGE_LIMITS.typescript.anyPerThousandLines} explicit \`any\` per 1,000 lines in ${fmt(TYPE_COVERAGE_LIMITS.typescript.minLines)}+ lines. Tests and generated code are not measured; the figures are in the report's metrics either way.`,
    ].join('\n'),
    fix: [
      'Annotate the boundaries first (route handlers, service functions, public helpers), run a type checker in CI, and ratchet: new code must be typed.',
      '',
      '```python',
      'async def create_order(payload: OrderCreate, user: User = Depends(current_user)) -> OrderOut: ...',
      '# pyproject.toml',
      '[tool.mypy]',
      'disallow_untyped_defs = true   # start per package: [[tool.mypy.overrides]] module = "app.billing.*"',
      '```',
      '```ts',
      '// replace any with the real type, or unknown plus a check (zod) where data enters',
      'const body: unknown = await req.json();',
      'const order = OrderSchema.parse(body);',
      '// eslint: "@typescript-eslint/no-explicit-any": "error"',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'app/services.py': Array.from({ length: 1800 }, (_, i) => `def step_${i}(order, options):\n    total = order.amount * options.rate\n    return total + ${i}\n`).join('\n'),
      },
      good: {
        'app/services.py': Array.from({ length: 1800 }, (_, i) => `def step_${i}(order: Order, options: Options) -> Decimal:\n    total = order.amount * options.rate\n    return total + ${i}\n`).join('\n'),
      },
    },
    references: { urls: ['https://mypy.readthedocs.io/en/stable/existing_code.html', 'https://typescript-eslint.io/rules/no-explicit-any/'], equivalents: ['mypy:disallow_untyped_defs', 'typescript-eslint:no-explicit-any'] },
  },
  check({ files, report }) {
    const py = measurePythonAnnotations(files);
    if (py.percent !== null && py.lines >= TYPE_COVERAGE_LIMITS.python.minLines && py.percent < TYPE_COVERAGE_LIMITS.python.belowPercent) {
      const worst = py.perFile.filter((f) => f.annotated < f.slots).sort((a, b) => b.slots - b.annotated - (a.slots - a.annotated) || (a.file < b.file ? -1 : 1)).slice(0, 3);
      report({
        messageId: 'pythonAnnotations',
        at: { file: worst[0].file, startLine: 1, endLine: 1 },
        data: {
          percent: String(py.percent),
          files: fmt(py.files),
          lines: fmt(py.lines),
          annotated: fmt(py.annotated),
          slots: fmt(py.slots),
          worst: worst.map((f) => `\`${f.file}\` (${fmt(f.annotated)} of ${fmt(f.slots)})`).join(', '),
        },
        related: worst.slice(1).map((f) => ({ file: f.file, note: `${f.annotated} of ${f.slots} annotated` })),
      });
    }
    const ts = measureTypescriptAny(files);
    if (ts.perThousandLines !== null && ts.lines >= TYPE_COVERAGE_LIMITS.typescript.minLines && ts.perThousandLines >= TYPE_COVERAGE_LIMITS.typescript.anyPerThousandLines) {
      const worst = ts.perFile.filter((f) => f.count > 0).sort((a, b) => b.count - a.count || (a.file < b.file ? -1 : 1)).slice(0, 3);
      report({
        messageId: 'typescriptAny',
        at: { file: worst[0].file, startLine: 1, endLine: 1 },
        data: {
          count: fmt(ts.count),
          lines: fmt(ts.lines),
          density: String(ts.perThousandLines),
          worst: worst.map((f) => `\`${f.file}\` (${fmt(f.count)})`).join(', '),
        },
        related: worst.slice(1).map((f) => ({ file: f.file, note: `${f.count} explicit any` })),
      });
    }
  },
});
