import { defineRule } from '../../model/rule.ts';
import type { ParsedFiles } from '../../model/parsed-file.ts';
import { NeedleMatcher } from '../../facts/needle-matcher.ts';

export default defineRule({
  meta: {
    id: 'secret-in-git-history',
    category: 'security',
    title: 'Secret in git history',
    severity: 'critical',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Secrets Management',
    messages: {
      onlyInHistory:
        '{{provider}} was committed to `{{file}}` in {{commit}} ({{date}}, {{author}}) and is no longer in the code, but it is still in the git history: anyone with a clone can read it.',
      stillPresent: '{{provider}} has been in the repository since {{commit}} ({{date}}, {{author}}, `{{file}}`) and is still there{{where}}.',
    },
    why: [
      'Deleting a key from the code does not delete it from git: every clone, fork and backup keeps every old commit, and `git log -p` shows it to anyone. Secret scanners and attackers read history, not just the latest files.',
      '',
      'The only safe assumption is that a key that was ever committed is known: rotate it. Rewriting history removes it from future clones but not from copies that already exist.',
    ].join('\n'),
    fix: [
      '1. **Rotate** the key at the provider now (revoke the old one, issue a new one) and store the new one in a secret manager or the platform\'s environment settings.',
      '2. If the repository is shared, purge the value from history and force-push, then ask everyone to re-clone:',
      '',
      '```bash',
      'pip install git-filter-repo',
      "printf '%s==>REDACTED\\n' 'the-leaked-value' > replacements.txt",
      'git filter-repo --replace-text replacements.txt',
      'git push --force --all && git push --force --tags',
      '```',
      '3. Add a pre-commit secret scan so the next one is stopped before it is committed.',
    ].join('\n'),
    effortHours: 1.5,
    // The example repositories have one commit; a key removed in a later commit is tested in test/facts/git-history.test.ts.
    examples: {
      bad: { 'settings.py': 'import os\n\nSENDGRID_API_KEY = "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"\n' },
      good: { 'settings.py': 'import os\n\nSENDGRID_API_KEY = os.environ["SENDGRID_API_KEY"]\n' },
    },
    needsGitHistory: true,
    references: { cwe: [798, 540], owasp: ['A07:2021 Identification and Authentication Failures'], equivalents: ['gitleaks detect', 'trufflehog git'] },
  },
  check({ index, files, report }) {
    if (!index.history.scanned || !index.history.secrets.length) return;
    const presentIn = whereStillPresent(index.history.secrets.map((s) => s.value), files);
    for (const secret of index.history.secrets) {
      const present = presentIn.get(secret.value) ?? [];
      const data = {
        provider: secret.provider,
        file: secret.file,
        commit: `commit ${secret.commit.slice(0, 10)}`,
        date: secret.date.slice(0, 10),
        author: secret.author,
        where: present.length ? ` (in \`${present.slice(0, 3).join('`, `')}\`${present.length > 3 ? ` and ${present.length - 3} more` : ''})` : '',
      };
      report({
        messageId: present.length ? 'stillPresent' : 'onlyInHistory',
        // A key still in the code is already a finding of the rule for where it sits; this one adds since when.
        ...(present.length ? { severity: 'info' as const } : {}),
        at: { file: secret.file, startLine: secret.line, endLine: secret.line, note: `added in commit ${secret.commit.slice(0, 10)} on ${data.date}` },
        data,
        secrets: [secret.value],
      });
    }
  },
});

/** Files that still contain each value: one pass over every file with all the values as needles. */
function whereStillPresent(values: string[], files: ParsedFiles): Map<string, string[]> {
  const out = new Map<string, string[]>();
  // The matcher reads ASCII; a value with other characters is looked up directly.
  const ascii = values.filter((v) => /^[\x00-\x7f]+$/.test(v));
  const matcher = new NeedleMatcher(ascii);
  const others = values.filter((v) => !/^[\x00-\x7f]+$/.test(v));
  for (const file of files.all) {
    const hits = new Set([...matcher.found(file.text)].map((i) => ascii[i]).filter((v) => file.text.includes(v)));
    for (const v of others) if (file.text.includes(v)) hits.add(v);
    for (const v of hits) out.set(v, [...(out.get(v) ?? []), file.path]);
  }
  return out;
}
