import { COVERAGE_THRESHOLDS, testInventory } from '../../facts/test-inventory.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'test-coverage-low',
    category: 'testing',
    title: 'Test coverage below the minimum',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Test Coverage',
    effortHours: 16,
    messages: {
      belowMinimum: '`{{report}}` records {{percent}}% line coverage ({{covered}} of {{total}} lines), below the {{minimum}}% minimum{{lowest}}.',
      belowTarget: '`{{report}}` records {{percent}}% line coverage ({{covered}} of {{total}} lines), below the {{target}}% target{{lowest}}.',
    },
    why: [
      'Lines no test executes are changed blind: a refactor, a dependency upgrade or a security fix there is verified only in production. Coverage is not quality, but low coverage is a reliable sign that the risky paths — error handling, authorization branches, webhook handling — have never run under a test.',
    ].join('\n'),
    fix: [
      'Cover the least-covered modules the message lists first, starting with request handlers and security code, and make CI fail when coverage drops:',
      '',
      '```toml',
      '# pyproject.toml',
      '[tool.coverage.report]',
      'fail_under = 80',
      'show_missing = true',
      '```',
      '```ts',
      '// vitest.config.ts',
      "export default defineConfig({ test: { coverage: { provider: 'v8', thresholds: { lines: 80 } } } });",
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'pytest==8.3.3\n',
        'app/__init__.py': '',
        'app/core.py': 'def add(a, b):\n    return a + b\n',
        'tests/test_core.py': 'from app.core import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n',
        'coverage.xml': '<?xml version="1.0" ?>\n<coverage version="7.6.1" timestamp="1718000000000" lines-valid="200" lines-covered="40" line-rate="0.2">\n<sources><source>.</source></sources>\n<packages/>\n</coverage>\n',
      },
      good: {
        'requirements.txt': 'pytest==8.3.3\n',
        'app/__init__.py': '',
        'app/core.py': 'def add(a, b):\n    return a + b\n',
        'tests/test_core.py': 'from app.core import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n',
        'coverage.xml': '<?xml version="1.0" ?>\n<coverage version="7.6.1" timestamp="1718000000000" lines-valid="200" lines-covered="180" line-rate="0.9">\n<sources><source>.</source></sources>\n<packages/>\n</coverage>\n',
      },
    },
    references: { urls: ['https://coverage.readthedocs.io/en/latest/config.html#report-fail-under', 'https://vitest.dev/guide/coverage'] },
  },
  check({ index, files, report }) {
    const coverage = testInventory(index, files).coverage;
    if (!coverage || coverage.percent >= COVERAGE_THRESHOLDS.target) return;
    const lowest = [...coverage.byFile]
      .filter(([, f]) => f.total >= 10)
      .map(([file, f]) => ({ file, percent: Math.round((f.covered / f.total) * 100) }))
      .sort((a, b) => a.percent - b.percent || (a.file < b.file ? -1 : 1))
      .slice(0, 3);
    const data = {
      report: coverage.reports.map((r) => r.file).join('`, `'),
      percent: String(coverage.percent),
      covered: String(coverage.covered),
      total: String(coverage.total),
      minimum: String(COVERAGE_THRESHOLDS.minimum),
      target: String(COVERAGE_THRESHOLDS.target),
      lowest: lowest.length ? `; least covered: ${lowest.map((l) => `\`${l.file}\` ${l.percent}%`).join(', ')}` : '',
    };
    const below = coverage.percent < COVERAGE_THRESHOLDS.minimum;
    report({ messageId: below ? 'belowMinimum' : 'belowTarget', at: { file: coverage.reports[0].file }, data, severity: below ? 'medium' : 'low' });
  },
});
