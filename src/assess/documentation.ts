/**
 * Documentation scorecard: README (setup, run, test, deploy, configuration), API documentation
 * (an OpenAPI schema served or committed), deployment guide, security policy, changelog and
 * architecture notes — each PASS / PARTIAL / FAIL / N/A with the files that show it.
 */
import type { ScorecardEntry, ScorecardStatus } from '../model/audit-report.ts';
import type { Location } from '../model/finding.ts';
import type { ScorecardRow } from '../model/rule.ts';
import { apiRoutes } from '../facts/documentation.ts';
import { operationsOf } from '../facts/operations/index.ts';
import { deploymentView } from '../facts/operations/readiness.ts';
import type { Signal } from '../facts/operations/signals.ts';
import type { Assessment } from './index.ts';

export const DOCUMENTATION_ROWS = ['README', 'API Documentation', 'Deployment Guide', 'Security Policy', 'Changelog', 'Architecture Notes'] as const satisfies readonly ScorecardRow[];
type Row = (typeof DOCUMENTATION_ROWS)[number];

const ROW_RULES: Record<Row, string[]> = {
  README: ['readme-missing'],
  'API Documentation': ['api-documentation-missing'],
  'Deployment Guide': ['deployment-guide-missing'],
  'Security Policy': [],
  Changelog: [],
  'Architecture Notes': [],
};

/** A README shorter than this (non-blank lines) is a stub. */
const README_MIN_LINES = 8;
/** A deployment section shorter than this (non-blank lines) names the topic without explaining it. */
const GUIDE_MIN_LINES = 4;

const TOPIC_WORDS: Record<string, string> = { setup: 'setup', run: 'run', test: 'test', deploy: 'deploy', configuration: 'configuration' };

export const documentationAssessment: Assessment = {
  name: 'documentation',
  run(input, result) {
    const ops = operationsOf(input.index, input.files);
    const docs = ops.docs;
    const rows: { name: Row; status: ScorecardStatus; notes: string; evidence?: (Location | Signal)[] }[] = [];

    const readme = docs.readme;
    if (!readme) rows.push({ name: 'README', status: 'FAIL', notes: 'no README' });
    else {
      const topics = [...readme.topics.keys()].map((t) => TOPIC_WORDS[t]);
      const missing = ['setup', 'run'].filter((t) => !readme.topics.has(t as 'setup'));
      const stub = readme.lines < README_MIN_LINES;
      const summary = `${readme.file.path}: ${readme.lines} lines, ${readme.headings.length} heading${readme.headings.length === 1 ? '' : 's'}, ${readme.codeBlocks} code block${readme.codeBlocks === 1 ? '' : 's'}; covers ${topics.length ? topics.join(', ') : 'none of setup, run, test, deploy, configuration'}`;
      rows.push({
        name: 'README',
        status: missing.length || stub ? 'PARTIAL' : 'PASS',
        notes: `${summary}${missing.length ? `; nothing on how to ${missing.join(' or ')}` : ''}${stub ? '; too short to onboard anyone' : ''}`,
        evidence: [readme.file.locateLines(1), ...readme.topics.values()],
      });
    }

    const api = input.index.routes.length ? apiRoutes(input.index.routes) : [];
    const served = docs.apiDocs.filter((d) => d.served || d.kind === 'openapi-file');
    const generated = docs.apiDocs.filter((d) => d.generated && !d.served);
    const handWritten = docs.apiDocs.filter((d) => d.kind === 'api-markdown');
    if (served.length) rows.push({ name: 'API Documentation', status: 'PASS', notes: served.map((d) => d.label).join('; '), evidence: served });
    else if (generated.length || handWritten.length)
      rows.push({ name: 'API Documentation', status: 'PARTIAL', notes: `${[...generated, ...handWritten].map((d) => d.label).join('; ')}: ${generated.length ? 'a schema is generated but not served or committed' : 'written by hand, so it drifts from the routes'}`, evidence: [...generated, ...handWritten] });
    else if (api.length >= 3) rows.push({ name: 'API Documentation', status: 'FAIL', notes: `${api.length} API routes and no OpenAPI schema or API documentation` });
    else rows.push({ name: 'API Documentation', status: 'N/A', notes: api.length ? `only ${api.length} API route${api.length === 1 ? '' : 's'}` : 'no API routes (server-rendered pages, webhooks or health checks only)' });

    const deployment = deploymentView(ops);
    const guides = docs.deployGuides;
    const full = guides.filter((g) => g.kind === 'deploy-doc' || g.lines >= GUIDE_MIN_LINES);
    if (full.length) rows.push({ name: 'Deployment Guide', status: 'PASS', notes: full.map((g) => g.label).join('; '), evidence: full });
    else if (guides.length) rows.push({ name: 'Deployment Guide', status: 'PARTIAL', notes: `${guides.map((g) => g.label).join('; ')}: only a few lines`, evidence: guides });
    else if (!deployment.anyDefinition && !ops.services.length) rows.push({ name: 'Deployment Guide', status: 'N/A', notes: 'nothing is deployed from this repository' });
    else rows.push({ name: 'Deployment Guide', status: 'FAIL', notes: deployment.anyDefinition ? 'the repository holds deployment configuration but no document explains how to deploy, configure or roll back' : 'no deployment guide (and no deployment configuration)' });

    const policy = docs.securityPolicy;
    const goodPolicy = policy.filter((p) => p.lines >= 3);
    if (goodPolicy.length) rows.push({ name: 'Security Policy', status: 'PASS', notes: goodPolicy.map((p) => p.label).join('; '), evidence: goodPolicy });
    else if (policy.length) rows.push({ name: 'Security Policy', status: 'PARTIAL', notes: `${policy.map((p) => p.label).join('; ')} is a stub (no reporting channel)`, evidence: policy });
    else rows.push({ name: 'Security Policy', status: 'FAIL', notes: 'no SECURITY.md: researchers and customers have no documented way to report a vulnerability' });

    const changelog = docs.changelog;
    const withEntries = changelog.filter((c) => c.entries > 0 || c.kind === 'release-tooling');
    if (withEntries.length) rows.push({ name: 'Changelog', status: 'PASS', notes: withEntries.map((c) => c.label).join('; '), evidence: withEntries });
    else if (changelog.length) rows.push({ name: 'Changelog', status: 'PARTIAL', notes: `${changelog.map((c) => c.label).join('; ')} has no release entries`, evidence: changelog });
    else rows.push({ name: 'Changelog', status: 'FAIL', notes: 'no CHANGELOG or release-notes tooling' });

    const architecture = docs.architecture;
    const documents = architecture.filter((a) => a.kind !== 'readme-architecture');
    if (documents.length) rows.push({ name: 'Architecture Notes', status: 'PASS', notes: documents.map((a) => a.label).slice(0, 4).join('; ') + (documents.length > 4 ? ` and ${documents.length - 4} more` : ''), evidence: documents });
    else if (architecture.length) rows.push({ name: 'Architecture Notes', status: 'PARTIAL', notes: `${architecture.map((a) => a.label).join('; ')} only`, evidence: architecture });
    else rows.push({ name: 'Architecture Notes', status: 'FAIL', notes: 'no architecture notes, decision records or diagrams' });

    (result.scorecards.documentation ??= []).push(
      ...rows.map((r): ScorecardEntry => {
        const evidence = (r.evidence ?? []).map((e) => ('at' in e ? e.at : e)).map(({ snippet: _snippet, ...loc }) => loc).slice(0, 8);
        return { name: r.name, status: r.status, notes: r.notes, findings: [], rules: ROW_RULES[r.name], ...(evidence.length ? { evidence } : {}) };
      }),
    );
  },
};
