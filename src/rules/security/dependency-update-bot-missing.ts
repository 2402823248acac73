import { ciDependencyAudits } from '../../facts/ci-pipelines.ts';
import { operationsOf } from '../../facts/operations/index.ts';
import { botCovers, findUpdateBots } from '../../facts/update-bots.ts';
import { defineRule } from '../../model/rule.ts';

const ECOSYSTEM_NAME: Record<string, string> = { npm: 'npm', pypi: 'pip' };

export default defineRule({
  meta: {
    id: 'dependency-update-bot-missing',
    category: 'security',
    title: 'No automated dependency updates',
    severity: 'low',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Dependency Updates',
    effortHours: 0.5,
    messages: {
      noBot: 'Nothing keeps the {{ecosystems}} dependencies declared in {{manifests}} up to date: no Dependabot or Renovate configuration.',
      ecosystemNotCovered: '`{{file}}` ({{bot}}) does not cover the {{ecosystems}} dependencies declared in {{manifests}}.',
    },
    why: [
      'Security fixes arrive as new releases. Without a bot opening upgrade pull requests, dependencies drift until an upgrade spans several major versions and nobody dares to do it, while the installed versions collect published vulnerabilities. Teams with automated updates ship fixes in days; teams without them find out from an incident or an audit.',
    ].join('\n'),
    fix: [
      'Add `.github/dependabot.yml` with one entry per ecosystem and folder (or a `renovate.json`):',
      '',
      '```yaml',
      'version: 2',
      'updates:',
      '  - package-ecosystem: pip',
      '    directory: /backend',
      '    schedule: { interval: weekly }',
      '    groups: { minor-and-patch: { update-types: [minor, patch] } }',
      '  - package-ecosystem: npm',
      '    directory: /frontend',
      '    schedule: { interval: weekly }',
      '  - package-ecosystem: github-actions',
      '    directory: /',
      '    schedule: { interval: monthly }',
      '```',
      'Keep the test suite in CI so the upgrade pull requests can be merged with confidence.',
    ].join('\n'),
    examples: {
      bad: { 'requirements.txt': 'flask==3.0.3\n' },
      good: { 'requirements.txt': 'flask==3.0.3\n', '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n' },
    },
    references: {
      cwe: [1104],
      owasp: ['A06:2021'],
      urls: ['https://docs.github.com/en/code-security/dependabot/dependabot-version-updates/configuration-options-for-the-dependabot.yml-file', 'https://docs.renovatebot.com/configuration-options/'],
      equivalents: ['scorecard:Dependency-Update-Tool'],
    },
  },
  check({ index, files, report }) {
    const manifests = index.manifests;
    if (!manifests.length) return;
    const used = [...new Set(manifests.map((m) => m.ecosystem))].sort();
    const bots = findUpdateBots(files);
    const audited = ciDependencyAudits(operationsOf(index, files).ci).length > 0;
    const severity = audited ? 'info' : 'low';
    const describe = (ecosystems: string[]) => {
      const list = manifests.filter((m) => ecosystems.includes(m.ecosystem)).map((m) => `\`${m.file}\``);
      return { ecosystems: ecosystems.map((e) => ECOSYSTEM_NAME[e] ?? e).join(' and '), manifests: list.length > 3 ? `${list.slice(0, 3).join(', ')} and ${list.length - 3} more` : list.join(', ') };
    };
    if (!bots.length) {
      const anchor = [...manifests].sort((a, b) => a.file.split('/').length - b.file.split('/').length || (a.file < b.file ? -1 : 1))[0];
      const line = index.dependencies.filter((d) => d.manifest === anchor.file && d.line).map((d) => d.line!).sort((a, b) => a - b)[0] ?? 1;
      report({ messageId: 'noBot', at: files.get(anchor.file)?.locateLines(line) ?? { file: anchor.file, startLine: line, endLine: line }, data: describe(used), severity });
      return;
    }
    const missing = used.filter((e) => !bots.some((b) => botCovers(b, e)));
    if (!missing.length) return;
    const bot = bots[0];
    report({
      messageId: 'ecosystemNotCovered',
      at: files.get(bot.file)?.locateLines(bot.line ?? 1) ?? { file: bot.file },
      data: { file: bot.file, bot: bot.name === 'dependabot' ? 'Dependabot' : bot.name === 'renovate' ? 'Renovate' : bot.name, ...describe(missing) },
      severity,
    });
  },
});
