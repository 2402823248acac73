import { checkClaims, CONTRADICTED_SEVERITY, type CheckedClaim } from '../../facts/claims/check.ts';
import { defineRule } from '../../model/rule.ts';

type MessageId = 'featureContradicted' | 'complianceContradicted' | 'coverageContradicted' | 'endpointContradicted' | 'fileMissing' | 'envVarsUnread' | 'envVarsUndocumented';

const COMPLIANCE = new Set(['hipaa', 'gdpr', 'soc2', 'e2e-encryption', 'encryption-at-rest']);

export default defineRule({
  meta: {
    id: 'readme-claim-contradicted',
    category: 'completeness',
    title: 'Documentation claims what the code contradicts',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Claims vs Reality',
    effortHours: 2,
    requires: [
      'rate-limit-missing',
      'route-stub-not-implemented',
      'route-missing-auth',
      'jwt-verification-disabled',
      'admin-route-missing-role-check',
      'tenant-id-hardcoded',
      'sensitive-data-logged',
      'env-file-tracked',
      'hardcoded-secret',
      'tls-verification-disabled',
    ],
    messages: {
      featureContradicted: '`{{doc}}` claims {{claim}}, but {{reason}}.',
      complianceContradicted: '`{{doc}}` claims {{claim}}, but {{reason}}.',
      coverageContradicted: '`{{doc}}` claims {{claim}}, but {{reason}}.',
      endpointContradicted: '`{{doc}}` documents `{{claim}}`, but {{reason}}.',
      fileMissing: '`{{doc}}` refers to {{claim}}, which does not exist in the repository.',
      envVarsUnread: '`{{doc}}` documents {{count}} environment variable(s) that no code or configuration reads: {{names}}.',
      envVarsUndocumented: '`{{doc}}` documents the configuration, but {{reason}}.',
    },
    why: [
      'Documentation is what users, buyers, auditors and the next engineer rely on. A README that promises "HIPAA compliant", "JWT authentication" or "rate limited API" while the code has none of it is worse than silence: the feature is sold, configured around and trusted, and the gap is found by an attacker or an auditor. Stale endpoints, files and settings send people down dead ends.',
      '',
      'Every claim is checked, and all of them are listed in the report\'s claims table as VERIFIED (with the evidence), CONTRADICTED or UNKNOWN (the code cannot tell: a business associate agreement, a coverage figure no report records). Only contradicted claims are findings; severity follows what is promised (compliance and security claims are high). Marketing words are not claims, and negations ("no auth yet"), plans, roadmaps and unchecked task items are skipped.',
    ].join('\n'),
    fix: [
      'Make the claim true or make the documentation say what is true — today, and with a plan if the feature is coming:',
      '',
      '```markdown',
      '## Security',
      '- Authentication: JWT (HS256) on every `/api` route — see `app/auth.py`',
      '- Rate limiting: **not yet** (planned: slowapi with Redis, issue #42)',
      '```',
      'For compliance claims, remove them until the controls exist (encryption of PHI, audit logs, access control, BAAs) and have been reviewed.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'README.md': '# Orders API\n\n## Features\n\n- Rate limiting on every endpoint\n',
        'main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/orders")\nasync def orders():\n    return []\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nslowapi==0.1.9\n',
        'README.md': '# Orders API\n\n## Features\n\n- Rate limiting on every endpoint\n',
        'main.py':
          'from fastapi import FastAPI, Request\nfrom slowapi import Limiter\nfrom slowapi.util import get_remote_address\n\nlimiter = Limiter(key_func=get_remote_address, default_limits=["100/minute"])\napp = FastAPI()\napp.state.limiter = limiter\n\n\n@app.get("/orders")\n@limiter.limit("10/minute")\nasync def orders(request: Request):\n    return []\n',
      },
    },
    references: { cwe: [1059], urls: ['https://www.hhs.gov/hipaa/for-professionals/security/index.html'] },
  },
  check({ index, files, findings, report }) {
    const claims = checkClaims({ index, files, findings }).filter((c) => c.status === 'CONTRADICTED');
    const envByDoc = new Map<string, CheckedClaim[]>();
    for (const claim of claims) {
      const doc = claim.source.file;
      if (claim.kind === 'env-var') {
        envByDoc.set(doc, [...(envByDoc.get(doc) ?? []), claim]);
        continue;
      }
      const messageId: MessageId =
        claim.kind === 'env-docs'
          ? 'envVarsUndocumented'
          : claim.kind === 'file' ? 'fileMissing' : claim.kind === 'endpoint' ? 'endpointContradicted' : claim.kind === 'test-coverage' || claim.kind === 'tests' ? 'coverageContradicted' : COMPLIANCE.has(claim.kind) ? 'complianceContradicted' : 'featureContradicted';
      // Two claims on one line ("JWT authentication and multi-tenant workspaces") are two findings: point at each one's words.
      const line = claim.source.startLine ? (files.get(doc)?.line(claim.source.startLine) ?? '') : '';
      const column = claim.term ? line.toLowerCase().indexOf(claim.term.toLowerCase()) : -1;
      report({
        messageId,
        at: column >= 0 ? { ...claim.source, startColumn: column + 1, endColumn: column + 1 + claim.term!.length } : claim.source,
        data: { doc, claim: claim.claim, reason: claim.notes, kind: claim.kind },
        related: claim.evidence.map((e) => ({ ...e, note: e.note ?? 'evidence' })),
        severity: CONTRADICTED_SEVERITY[claim.kind],
        ...(claim.kind === 'file' || claim.kind === 'endpoint' ? { confidence: 'high' as const } : {}),
      });
    }
    for (const [doc, vars] of envByDoc) {
      const names = vars.map((v) => v.claim.replace(/^environment variable /, ''));
      report({
        messageId: 'envVarsUnread',
        at: vars[0].source,
        data: { doc, count: String(vars.length), names: names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ') },
        related: vars.slice(1).map((v) => ({ ...v.source, note: v.claim })),
        severity: CONTRADICTED_SEVERITY['env-var'],
      });
    }
  },
});
