/**
 * The audit report (`--format md`): the document a senior engineer would send to stakeholders,
 * in the shape of the reference production-readiness audits — executive summary, critical
 * issues with evidence and fixes, high-priority table, scorecards and assessments, the route
 * control matrix, hotspots, metrics, claims, strengths, timeline, final verdict with the minimum
 * requirements for GO, next steps. Every number links to its evidence: a finding (`#crit-001`),
 * a file and line, or a section of this document. Sections whose data the audit did not produce
 * are left out (and listed under "Scope"), never filled with guesses.
 */
import type { AuditReport, RouteControl, RouteSummary, ScorecardEntry } from '../model/audit-report.ts';
import type { Finding } from '../model/finding.ts';
import type { Severity } from '../model/rule.ts';
import { fenceFor, formatLocation, orderedAreas, plural, ROUTE_CONTROL_COLUMNS, SEVERITIES } from './format.ts';
import {
  anchor,
  anchorId,
  capitalise,
  code,
  codeCell,
  escapeCell,
  escapeMd,
  fence,
  findingIndex,
  findingLink,
  findingLinks,
  hours,
  locationCode,
  REPORT_FILES,
  STATUS_ICON,
  weeksText,
} from './markdown-text.ts';

const VERDICT_LINE = { 'NO-GO': '❌ **NO-GO FOR PRODUCTION**', 'GO WITH CONDITIONS': '⚠️ **GO WITH CONDITIONS**', GO: '✅ **GO FOR PRODUCTION**' } as const;
const VERDICT_HEADING = { 'NO-GO': '❌ DEPLOYMENT NOT APPROVED', 'GO WITH CONDITIONS': '⚠️ DEPLOYMENT APPROVED WITH CONDITIONS', GO: '✅ DEPLOYMENT APPROVED' } as const;
const AREA_TITLES: Record<string, string> = {
  infrastructure: '🏗️ Infrastructure Assessment',
  concurrency: '⚙️ Concurrency and Scalability',
  'data-model': '🗄️ Data Model',
  completeness: '🧩 Completeness',
  'code-health': '🧹 Code Health',
  documentation: '📚 Documentation',
  dependencies: '📦 Dependencies',
};
/** Areas with a section of their own (their rows render there, not in the generic area list). */
const OWN_SECTIONS = new Set(['security', 'testing', 'compliance', 'dependencies']);
const CONTROL_ICON = { yes: '✅', no: '❌', 'n/a': '➖', unknown: '❔' } as const;

export function renderMarkdown(report: AuditReport): string {
  const { summary } = report;
  const open = report.findings.filter((f) => f.status === 'open');
  const bySeverity = (s: Severity) => open.filter((f) => f.severity === s);
  const critical = bySeverity('critical');
  const high = bySeverity('high');
  const rest = open.filter((f) => f.severity !== 'critical' && f.severity !== 'high');
  const triaged = report.findings.filter((f) => f.status !== 'open');
  const itemOf = planItemIndex(report);
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  const rule = () => push('---', '');

  // ── Title ────────────────────────────────────────────────────────────────
  push(`# Production Readiness Audit Summary`, `**${escapeMd(report.target)}**`, '');
  if (summary.date) push(`**Audit Date:** ${summary.date.slice(0, 10)}  `);
  if (summary.commit) push(`**Commit:** ${code(summary.commit.slice(0, 12))}  `);
  push(
    `**Overall Score:** ${summary.score}/100 (grade ${summary.grade}) — [how it was computed](#score)  `,
    `**Security Grade:** ${summary.securityGrade}  `,
    `**Risk Level:** ${summary.riskLevel}  `,
    `**Recommendation:** ${VERDICT_LINE[summary.verdict]}`,
    '',
  );
  rule();

  // ── Executive summary ────────────────────────────────────────────────────
  push(anchor('executive-summary'), '## Executive Summary', '', executiveParagraph(report), '');
  if (report.scope) push(...scopeOfChange(report));
  push('### Key Findings', '');
  for (const line of keyFindings(report)) push(line);
  push('');
  rule();

  if (report.progress) {
    push(...progressSection(report));
    rule();
  }

  // ── Critical issues ──────────────────────────────────────────────────────
  push(anchor('critical-issues'), `## 🚨 Critical Issues (${critical.length})${critical.length ? ' - BLOCKING DEPLOYMENT' : ''}`, '');
  if (!critical.length) push('No open critical findings.', '');
  for (const group of groupFindings(critical)) push(...findingGroupSection(group, report, itemOf), '---', '');

  // ── High priority ────────────────────────────────────────────────────────
  push(anchor('high-priority-issues'), `## ⚠️ High Priority Issues (${high.length})`, '');
  if (high.length) {
    push('| ID | Category | Issue | Location | Estimate | Plan item |', '|----|----------|-------|----------|----------|-----------|');
    for (const f of high)
      push(`| ${findingLink(f.id)} | ${capitalise(f.category)} | ${escapeCell(f.message)} | ${codeCell(formatLocation(f.location))} | ${hours(f.effortHours)} | ${planLink(itemOf.get(f.id))} |`);
    push('', '#### Details, evidence and fixes', '');
    for (const group of groupFindings(high)) push(...findingGroupSection(group, report, itemOf));
  } else push('No open high-priority findings.', '');
  rule();

  if (rest.length) {
    push(anchor('other-findings'), `## Other Findings (${rest.length})`, '', '| ID | Severity | Category | Issue | Location | Plan item |', '|----|----------|----------|-------|----------|-----------|');
    for (const f of rest)
      push(`| ${anchor(f.id)}${f.id} | ${f.severity} | ${capitalise(f.category)} | ${escapeCell(f.message)} | ${codeCell(formatLocation(f.location))} | ${planLink(itemOf.get(f.id))} |`);
    push('');
    rule();
  }

  // ── Scorecards and assessments ───────────────────────────────────────────
  push(anchor('security-scorecard'), '## 🔒 Security Audit Scorecard', '');
  push(...scorecardTable(report.scorecards.security, 'Category'));
  push(`**Overall Security Grade: ${summary.securityGrade}**`, '');
  rule();

  for (const [area, rows] of orderedAreas(report.scorecards)) {
    if (OWN_SECTIONS.has(area) || !rows.length) continue;
    push(anchor(`${area}-assessment`), `## ${AREA_TITLES[area] ?? capitalise(area)}`, '', ...scorecardTable(rows, area === 'infrastructure' ? 'Component' : 'Check'));
    rule();
  }
  if (report.testing || report.scorecards.testing?.length) {
    push(...testingSection(report));
    rule();
  }
  if (report.dependencies || report.scorecards.dependencies?.length) {
    push(...dependencySection(report));
    rule();
  }
  if (report.compliance || report.scorecards.compliance?.length) {
    push(...complianceSection(report));
    rule();
  }

  if (report.routes.length) {
    push(...routeMatrixSection(report));
    rule();
  }
  if (report.hotspots?.length) {
    push(...hotspotSection(report));
    rule();
  }
  if (report.claims?.length) {
    push(...claimsSection(report));
    rule();
  }

  // ── Timeline, actions, strengths, metrics ────────────────────────────────
  if (report.plan) {
    push(...timelineSection(report));
    rule();
    push(...immediateActions(report));
    rule();
  }
  if (report.strengths?.length) {
    push(anchor('positive-aspects'), '## ✅ Positive Aspects', '', report.findings.some((f) => f.status === 'open' && f.severity === 'critical') ? 'Despite the critical issues, the code shows these strengths:' : 'The code shows these strengths:', '');
    report.strengths.forEach((s, i) => {
      const where = s.evidence.slice(0, 3).map((e) => locationCode(e)).join(', ');
      push(`${i + 1}. ✅ **${escapeMd(s.title)}** — ${escapeMd(s.detail)}${where ? ` (${where}${s.evidence.length > 3 ? `, +${s.evidence.length - 3} more` : ''})` : ''}`);
    });
    push('');
    rule();
  }
  push(...metricsSection(report));
  rule();

  // ── Verdict and next steps ───────────────────────────────────────────────
  push(...verdictSection(report));
  rule();
  push(...nextSteps(report));
  rule();

  const hygiene = report.triage && (report.triage.expired.length || report.triage.unused.length);
  if (triaged.length || hygiene) {
    push(anchor('triaged-findings'), `## Triaged Findings (${triaged.length}, not scored)`, '');
    if (triaged.length) {
      push('| ID | Status | Issue | Location | Reason |', '|----|--------|-------|----------|--------|');
      for (const f of triaged)
        push(`| ${anchor(f.id)}${f.id} | ${f.status} | ${escapeCell(f.message)} | ${codeCell(formatLocation(f.location))} | ${escapeCell(f.triage?.reason ?? '')}${f.triage?.until ? ` (until ${escapeCell(f.triage.until)})` : ''} |`);
      push('');
    }
    for (const e of report.triage?.expired ?? []) push(`- ⏰ **Expired:** ${findingLink(e.finding)} (${code(e.ruleId)}) was ${e.status} until ${escapeMd(e.until)} — open again (${escapeMd(e.reason)})`);
    for (const u of report.triage?.unused ?? [])
      push(`- 🧹 **Unused ${u.source === 'inline' ? 'shipgate-ignore' : 'triage entry'}:** ${code(u.line ? `${u.file}:${u.line}` : u.file)} (${u.ruleIds.map((id) => code(id)).join(', ')}) — ${escapeMd(u.why)}`);
    if (hygiene) push('');
    rule();
  }
  push(...scopeSection(report));
  push(
    '',
    `*Generated by shipgate ${report.tool.version} from the code, configuration and git metadata of the repository${summary.date ? ` on ${summary.date.slice(0, 10)}` : ''}${summary.commit ? ` at commit ${summary.commit.slice(0, 12)}` : ''}. The same code gives the same report; re-run \`shipgate audit\` after each fix to track progress.*`,
  );
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

// ─────────────────────────────────────────────────────────────────────────────

function executiveParagraph(report: AuditReport): string {
  const { summary, plan } = report;
  const frameworks = [...new Set(report.frameworks.map((f) => f.name))];
  let text = `shipgate audited ${plural(summary.filesAudited, 'file')} (${summary.linesOfCode.total.toLocaleString('en-US')} lines${frameworks.length ? `; ${frameworks.join(', ')}` : ''})`;
  if (summary.routes.total) text += ` and [${plural(summary.routes.total, 'route')}](#route-control-matrix), ${summary.routes.guarded} of them behind authentication`;
  text += '. ';
  const c = summary.counts;
  if (summary.verdict === 'NO-GO') {
    text += `The application **is not ready for production**: [${plural(c.critical, 'critical issue')}](#critical-issues) block${c.critical === 1 ? 's' : ''} deployment`;
    text += c.high ? ` and [${plural(c.high, 'high-priority issue')}](#high-priority-issues) must be fixed or accepted before an unconditional GO.` : '.';
  } else if (summary.verdict === 'GO WITH CONDITIONS') text += `No critical issue blocks deployment, but [${plural(c.high, 'high-priority finding')}](#high-priority-issues) should be fixed or explicitly accepted first.`;
  else text += 'No critical or high-priority issue was found.';
  if (plan && plan.minimumCutToGo.items.length) {
    const cut = plan.minimumCutToGo;
    text += ` The [minimum set of fixes that reaches GO](#minimum-requirements-for-go) is ${plural(cut.items.length, 'change')} (${hours(cut.hours)}, about ${weeksText(plan.timeline.minimumViableRange)} for ${teamText(plan.team)}); [everything the audit found](#timeline-to-production) takes ${hours(plan.timeline.totalHours)} (${weeksText(plan.timeline.fullReadinessRange)}).`;
  }
  return text;
}

/** With --baseline / --changed-since: what this change adds, the rest listed but not counted by the gate. */
function scopeOfChange(report: AuditReport): string[] {
  const scope = report.scope!;
  const against = [
    ...(scope.baseline ? [`the baseline ${code(scope.baseline.file)} (${plural(scope.baseline.findings, 'finding')}${scope.baseline.date ? `, ${scope.baseline.date.slice(0, 10)}` : ''})`] : []),
    ...(scope.changedSince ? [`the changes since ${code(scope.changedSince.ref)} (${code(scope.changedSince.commit.slice(0, 12))}, ${plural(scope.changedSince.files.length, 'file')})`] : []),
  ].join(' and ');
  const open = SEVERITIES.filter((sev) => scope.counts[sev]).map((sev) => `${scope.counts[sev]} ${sev}`);
  const lines = [
    '### What This Change Adds',
    '',
    `Compared with ${against}: ${plural(scope.new.length, 'new finding')}${scope.new.length ? ` (${findingLinks(scope.new)})` : ''}${open.length ? `, open: ${open.join(', ')}` : ''}; ${plural(scope.existing, 'existing finding')} listed below but not counted by the gate${scope.baseline ? `; ${plural(scope.fixed.length, 'baseline finding')} no longer found` : ''}.`,
    '',
  ];
  return lines;
}

function keyFindings(report: AuditReport): string[] {
  const lines: string[] = [];
  const rows = Object.values(report.scorecards).flat();
  if (report.strengths?.length) lines.push(`- ✅ **Strengths:** ${report.strengths.slice(0, 4).map((s) => escapeMd(s.title)).join('; ')} ([all ${report.strengths.length}](#positive-aspects))`);
  else {
    const passing = rows.filter((r) => r.status === 'PASS').map((r) => r.name);
    if (passing.length) lines.push(`- ✅ **No issues found in:** ${passing.slice(0, 10).map(escapeMd).join(', ')}${passing.length > 10 ? ` and ${passing.length - 10} more` : ''}`);
  }
  const blocking = groupFindings(report.findings.filter((f) => f.status === 'open' && f.severity === 'critical'));
  if (blocking.length) lines.push(`- ❌ **Critical Blockers:** ${blocking.slice(0, 6).map((g) => `${escapeMd(g[0].title)} (${findingLink(g[0].id)}${g.length > 1 ? ` +${g.length - 1}` : ''})`).join('; ')}${blocking.length > 6 ? `; and ${blocking.length - 6} more` : ''}`);
  const gaps = rows.filter((r) => r.status === 'FAIL' && !report.scorecards.security.includes(r)).map((r) => r.name);
  const partial = rows.filter((r) => r.status === 'PARTIAL').map((r) => r.name);
  if (gaps.length) lines.push(`- ⚠️ **Major Gaps:** ${gaps.slice(0, 8).map(escapeMd).join(', ')}`);
  if (partial.length) lines.push(`- ⚠️ **Partly in place:** ${partial.slice(0, 8).map(escapeMd).join(', ')}`);
  const unknown = rows.filter((r) => r.status === 'UNKNOWN').map((r) => r.name);
  if (unknown.length) lines.push(`- ❔ **Cannot be told from the repository:** ${unknown.slice(0, 8).map(escapeMd).join(', ')}`);
  const s = report.summary;
  if (!report.findings.some((f) => f.status === 'open')) {
    lines.push('- **Open findings:** none.');
    return lines;
  }
  lines.push(`- **Open findings:** ${SEVERITIES.map((sev) => `${s.counts[sev]} ${sev}`).join(', ')} — ${hours(s.effortHours)} if fixed one by one${report.plan ? `, ${hours(report.plan.timeline.totalHours)} as [${plural(report.plan.phases.reduce((n, p) => n + p.items.length, 0), 'planned change')}](#timeline-to-production)` : ''}`);
  return lines;
}

function progressSection(report: AuditReport): string[] {
  const p = report.progress!;
  const s = report.summary;
  const trend = p.trend.map((t) => t.grade).join(' → ');
  const lines = [
    anchor('progress'),
    '## 📈 Progress Since the Last Audit',
    '',
    `| | Last audit (${escapeCell(p.previous.date.slice(0, 10))}) | This audit |`,
    '|---|---|---|',
    `| Score | ${p.previous.score}/100 | ${s.score}/100 (${signed(s.score - p.previous.score)}) |`,
    `| Grade | ${p.previous.grade} | ${s.grade} |`,
    `| Verdict | ${p.previous.verdict} | ${s.verdict} |`,
    '',
    `**Trend:** ${trend} (${plural(p.trend.length, 'audit')})`,
    '',
    `- ✅ **Fixed:** ${p.fixed.length}${p.fixed.length ? ` — ${p.fixed.slice(0, 6).map((f) => `${escapeMd(f.title)} (${code(f.line ? `${f.file}:${f.line}` : f.file)})`).join('; ')}${p.fixed.length > 6 ? `; and ${p.fixed.length - 6} more (see the TODO list)` : ''}` : ''}`,
    `- 🆕 **New:** ${p.new.length}${p.new.length ? ` — ${findingLinks(p.new)}` : ''}`,
    `- 🔁 **Regressed** (fixed before, back now): ${p.regressed.length}${p.regressed.length ? ` — ${findingLinks(p.regressed)}` : ''}`,
    ...(p.triaged.length ? [`- 🗂️ **Triaged since:** ${p.triaged.length} — ${findingLinks(p.triaged)}`] : []),
    ...(p.reopened.length ? [`- ↩️ **Reopened** (their triage ended): ${p.reopened.length} — ${findingLinks(p.reopened)}`] : []),
    `- ⏳ **Still open:** ${p.stillOpen.length}`,
    '',
  ];
  if (p.notRechecked.length) {
    lines.push(`**Not re-checked in this audit** (not counted as fixed${p.notRechecked.some((n) => n.carried) ? '; they stay open in the history' : ''}):`, '');
    for (const n of p.notRechecked.slice(0, 10)) lines.push(`- ${escapeMd(n.title)} (${code(n.line ? `${n.file}:${n.line}` : n.file)}) — ${escapeMd(n.why)}`);
    if (p.notRechecked.length > 10) lines.push(`- … and ${p.notRechecked.length - 10} more`);
    lines.push('');
  }
  if (p.unchanged) lines.push('*A re-run of the same commit: nothing changed since the last audit.*', '');
  if (p.note) lines.push(`*${escapeMd(p.note)}*`, '');
  return lines;
}

/** Findings of one rule and message (or of one rule), in order: one section with every location, the fix said once. */
function groupFindings(findings: Finding[], by: 'message' | 'rule' = 'message'): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.parts?.length ? `compound\0${f.id}` : by === 'rule' ? f.ruleId : `${f.ruleId}\0${f.messageId}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()];
}

function findingGroupSection(group: Finding[], report: AuditReport, itemOf: Map<string, string>): string[] {
  const [first] = group;
  const cwe = first.cwe.length ? ` | ${first.cwe.map((c) => `[CWE-${c}](https://cwe.mitre.org/data/definitions/${c}.html)`).join(', ')}` : '';
  const estimate = group.length > 1 ? `${hours(group.reduce((s, f) => s + f.effortHours, 0))} one by one` : hours(first.effortHours);
  const lines: string[] = [...group.map((f) => anchor(f.id))];
  lines.push(
    group.length > 1 ? `### ${first.id} (+${group.length - 1} more): ${escapeMd(first.title)}` : `### ${first.id}: ${escapeMd(first.title)}`,
    `**Severity:** ${first.severity.toUpperCase()} | **Priority:** ${first.priority} | **Confidence:** ${first.confidence} | **Estimate:** ${estimate}${cwe}`,
    '',
  );
  if (group.length > 1) for (const f of group) lines.push(`- **${f.id}** ${escapeMd(f.message)} — ${locationCode(f.location)}`);
  else lines.push(escapeMd(first.message));
  lines.push('', `**Evidence**${group.length > 1 ? ` (${first.id})` : ''}: ${locationCode(first.location)}`);
  if (first.location.snippet) lines.push('', fence(first.location.snippet, fenceFor(first.location.file)));
  if (first.parts?.length) {
    const byId = findingIndex(report);
    lines.push('', '**Chain** (one attack path; its parts are scored through this finding):', '');
    first.parts.forEach((id, i) => {
      const part = byId.get(id);
      lines.push(`${i + 1}. ${findingLink(id)} ${part ? `${escapeMd(part.title)} — ${locationCode(part.location)}` : ''}`);
    });
  }
  if (first.related.length) {
    lines.push('', first.parts?.length ? '**Evidence along the chain:**' : '**Related:**');
    for (const r of first.related.slice(0, 10)) lines.push(`- ${locationCode(r)}${r.note ? ` — ${escapeMd(r.note)}` : ''}`);
    if (first.related.length > 10) lines.push(`- … and ${first.related.length - 10} more`);
  }
  const partOf = [...new Set(group.map((f) => f.partOf).filter((id): id is string => Boolean(id)))];
  if (partOf.length) lines.push('', `**Part of:** ${findingLinks(partOf)} (scored there, not separately)`);
  lines.push('', `**Impact:** ${first.risk}`, '', '**Fix:**', '', first.fix, '');
  const items = [...new Set(group.map((f) => itemOf.get(f.id)).filter((id): id is string => Boolean(id)))];
  const plan = items.length ? ` · plan: ${items.map((id) => planLink(id)).join(', ')}` : '';
  lines.push(`Rule: [${code(first.ruleId)}](${first.docsUrl})${group.length === 1 ? ` · fingerprint ${code(first.fingerprint)}` : ''}${plan}`, '');
  return lines;
}

function scorecardTable(rows: ScorecardEntry[], first: string): string[] {
  if (!rows.length) return ['Not assessed.', ''];
  const lines = [`| ${first} | Status | Notes | Evidence |`, '|---|---|---|---|'];
  for (const row of rows) {
    const evidence = [
      ...(row.findings.length ? [findingLinks(row.findings, '', 4)] : []),
      ...(row.evidence ?? []).slice(0, 2).map((e) => codeCell(formatLocation(e))),
      ...(row.status === 'UNKNOWN' && row.howToKnow ? [`to know: ${escapeCell(row.howToKnow)}`] : []),
    ];
    lines.push(`| ${escapeCell(row.name)} | ${STATUS_ICON[row.status]} | ${escapeCell(row.notes)} | ${evidence.join('; ') || '—'} |`);
  }
  lines.push('');
  return lines;
}

function testingSection(report: AuditReport): string[] {
  const t = report.testing;
  const lines = [anchor('testing-assessment'), '## 🧪 Testing Assessment', ''];
  if (t) {
    const kinds: [keyof typeof t.testFiles, string][] = [
      ['unit', 'Unit Tests'],
      ['integration', 'Integration Tests'],
      ['e2e', 'E2E Tests'],
      ['security', 'Security Tests'],
      ['load', 'Load Tests'],
    ];
    lines.push('| Test Type | Files | Status |', '|-----------|-------|--------|');
    for (const [kind, label] of kinds) {
      const files = t.testFiles[kind];
      const row = report.scorecards.testing?.find((r) => r.name === label);
      const status = row ? STATUS_ICON[row.status] : files.length ? '✅ found' : '❌ None found';
      lines.push(`| ${label} | ${files.length}${files.length ? ` (${files.slice(0, 3).map((f) => codeCell(f)).join(', ')}${files.length > 3 ? ', …' : ''})` : ''} | ${status} |`);
    }
    lines.push('');
    const coverage = t.coverage ? `**${t.coverage.percent}%** (from ${code(t.coverage.report)}, ${t.coverage.format})` : `**unknown** — no coverage report in the repository${t.coverageCommand ? `; produce one with ${code(t.coverageCommand)}` : ''}`;
    lines.push(`**Test Coverage:** ${coverage}  `);
    lines.push(`**Frameworks:** ${t.frameworks.length ? t.frameworks.map((f) => `${escapeMd(f.name)} (${locationCode(f.evidence)})`).join(', ') : 'none found'}  `);
    lines.push(`**Tests-to-code ratio:** ${t.testToCodeRatio.toFixed(2)} (${t.testLines.toLocaleString('en-US')} test lines for ${t.sourceLines.toLocaleString('en-US')} source lines)  `);
    lines.push(`**CI runs the tests:** ${t.ciRunsTests === null ? 'unknown' : t.ciRunsTests ? 'yes' : 'no'}`);
    if (t.untestedModules.length) lines.push('', `**Modules no test touches (${t.untestedModules.length}):** ${t.untestedModules.slice(0, 10).map((m) => code(m)).join(', ')}${t.untestedModules.length > 10 ? ', …' : ''}`);
    lines.push('');
    const otherRows = (report.scorecards.testing ?? []).filter((r) => !kinds.some(([, label]) => label === r.name));
    if (otherRows.length) lines.push(...scorecardTable(otherRows, 'Check'));
  } else lines.push(...scorecardTable(report.scorecards.testing ?? [], 'Check'));
  return lines;
}

function dependencySection(report: AuditReport): string[] {
  const d = report.dependencies;
  const lines = [anchor('dependencies'), '## 📦 Dependencies', ''];
  if (report.scorecards.dependencies?.length) lines.push(...scorecardTable(report.scorecards.dependencies, 'Check'));
  if (!d) return lines;
  if (d.manifests.length) {
    lines.push('| Manifest | Ecosystem | Dependencies | Lockfile |', '|---|---|---|---|');
    for (const m of d.manifests) lines.push(`| ${codeCell(m.file)} | ${m.ecosystem} | ${m.dependencies} | ${m.lockfile ? codeCell(m.lockfile) : '❌ none'} |`);
    lines.push('');
  }
  lines.push(`**Advisory source:** ${escapeMd(d.advisorySource.detail)}  `, `**Update bot:** ${d.updateBot ? `${d.updateBot.name} (${code(d.updateBot.file)})` : 'none configured'}  `, `**Unpinned:** ${d.unpinned.length}`);
  if (d.vulnerable.length) {
    lines.push('', '| Package | Version | Advisories | Fixed in | Where |', '|---|---|---|---|---|');
    for (const v of d.vulnerable)
      lines.push(`| ${codeCell(v.name)} | ${escapeCell(v.version)} | ${v.advisories.map((a) => `${escapeCell(a.id)} (${a.severity})`).join(', ')} | ${escapeCell([...new Set(v.advisories.map((a) => a.fixedIn).filter(Boolean))].join(', ') || '—')} | ${codeCell(v.line ? `${v.file}:${v.line}` : v.file)} |`);
  }
  lines.push('');
  return lines;
}

function complianceSection(report: AuditReport): string[] {
  const c = report.compliance;
  const rows = c?.controls ?? report.scorecards.compliance ?? [];
  const name = c ? c.profile.toUpperCase() : 'Compliance';
  const failing = rows.filter((r) => r.status === 'FAIL' || r.status === 'PARTIAL');
  const status = !rows.length ? '❔ NOT ASSESSED' : failing.length ? '❌ **NOT COMPLIANT**' : rows.some((r) => r.status === 'UNKNOWN') ? '❔ **CANNOT BE CONFIRMED FROM THE CODE**' : '✅ **NO GAPS FOUND IN THE CODE**';
  const lines = [anchor('compliance-assessment'), `## 📋 ${name} Compliance Assessment`, '', `**Status:** ${status}`, ''];
  if (c) lines.push(c.selectedBy === 'option' ? `Profile chosen with \`--profile ${c.profile}\`.` : `Profile **suggested** because the code handles such data: ${c.reasons.map(escapeMd).join('; ')}. Confirm it with \`--profile ${c.profile}\`.`, '');
  if (failing.length) {
    lines.push('### Critical Gaps', '');
    failing.forEach((r, i) => lines.push(`${i + 1}. ❌ ${escapeMd(r.name)}${'regulation' in r ? ` (${escapeMd(String(r.regulation))})` : ''} — ${escapeMd(r.notes)}${r.findings.length ? ` (${findingLinks(r.findings, '', 3)})` : ''}`));
    lines.push('');
  }
  if (rows.length) {
    lines.push('| Control | Regulation | Status | Notes | Evidence |', '|---|---|---|---|---|');
    for (const r of rows) {
      const regulation = 'regulation' in r ? escapeCell(String(r.regulation)) : '—';
      const evidence = [...(r.findings.length ? [findingLinks(r.findings, '', 3)] : []), ...(r.evidence ?? []).slice(0, 2).map((e) => codeCell(formatLocation(e)))].join('; ') || '—';
      lines.push(`| ${escapeCell(r.name)} | ${regulation} | ${STATUS_ICON[r.status]} | ${escapeCell(r.notes)} | ${evidence} |`);
    }
    lines.push('', 'The code can show technical controls only: agreements (a BAA), policies and provider settings need a human review.', '');
  }
  return lines;
}

function routeMatrixSection(report: AuditReport): string[] {
  const routes = report.routes;
  const lines = [anchor('route-control-matrix'), `## 🛣️ Route Control Matrix (${routes.length} routes)`, ''];
  lines.push(`${report.summary.routes.guarded} of ${routes.length} routes require authentication; ${plural(report.summary.routes.unguardedStateChanging, 'state-changing route')} ${report.summary.routes.unguardedStateChanging === 1 ? 'is' : 'are'} open (public-by-design routes not counted).`, '');
  const withControls = routes.filter((r) => r.controls);
  if (withControls.length) {
    lines.push('| Control | Has it | Lacks it | Unknown | Not needed |', '|---|---|---|---|---|');
    for (const { key, label } of ROUTE_CONTROL_COLUMNS) {
      const count = (state: string) => withControls.filter((r) => r.controls?.[key]?.state === state).length;
      lines.push(`| ${controlName(key, label)} | ${count('yes')} | ${count('no')} | ${count('unknown')} | ${count('n/a')} |`);
    }
    lines.push('', '✅ has the control · ❌ lacks it (linked to the finding when a rule reported one) · ❔ cannot be told from the code · ➖ not needed (a GET needs no CSRF token; only upload routes need an upload limit)', '');
  }
  const big = routes.length > 60;
  if (big) lines.push('<details><summary>Every route</summary>', '');
  const header = withControls.length ? ROUTE_CONTROL_COLUMNS.map((c) => c.label) : ['Authentication'];
  lines.push(`| Method | Path | Handler | ${header.join(' | ')} |`, `|---|---|---|${header.map(() => '---').join('|')}|`);
  for (const r of routes) lines.push(`| ${r.method} | ${codeCell(r.path)} | ${codeCell(r.handler)} (${codeCell(`${r.file}:${r.line}`)}) | ${routeCells(r).join(' | ')} |`);
  lines.push('');
  if (big) lines.push('</details>', '');
  return lines;
}

function controlName(key: RouteControl, label: string): string {
  const names: Partial<Record<RouteControl, string>> = { authentication: 'Authentication', authorization: 'Authorization', inputSchema: 'Input schema', auditLog: 'Audit log', uploadLimit: 'Upload size limit' };
  return names[key] ?? label;
}

function routeCells(r: RouteSummary): string[] {
  if (!r.controls) return [r.guards.length ? r.guards.map((g) => `${escapeCell(g.name)} (${g.level})`).join(', ') : '❌ none'];
  return ROUTE_CONTROL_COLUMNS.map(({ key }) => {
    const c = r.controls?.[key];
    if (!c) return '❔';
    return `${CONTROL_ICON[c.state]}${c.finding ? ` ${findingLink(c.finding)}` : ''}`;
  });
}

function hotspotSection(report: AuditReport): string[] {
  const rows = report.hotspots!;
  const lines = [
    anchor('hotspots'),
    `## 🔥 Hotspots (${rows.length} files)`,
    '',
    'Open findings per file, by what they are about: error handling, input validation, security, and everything else (concurrency, data model, completeness, code structure).',
    '',
    '| File | Lines | Routes | Error Handling | Input Validation | Security | Other | Total | Findings |',
    '|------|-------|--------|----------------|------------------|----------|-------|-------|----------|',
  ];
  for (const h of rows)
    lines.push(`| ${codeCell(h.file)} | ${h.lines.toLocaleString('en-US')} | ${h.routes} | ${h.errorHandling} | ${h.inputValidation} | ${h.security} | ${h.other} | ${h.total} | ${findingLinks(h.findings, '', 3)} |`);
  const total = (k: 'errorHandling' | 'inputValidation' | 'security' | 'other' | 'total') => rows.reduce((s, h) => s + h[k], 0);
  lines.push(`| **TOTAL** | | | **${total('errorHandling')}** | **${total('inputValidation')}** | **${total('security')}** | **${total('other')}** | **${total('total')}** | |`, '');
  return lines;
}

function claimsSection(report: AuditReport): string[] {
  const claims = report.claims!;
  const icon = { VERIFIED: '✅ VERIFIED', CONTRADICTED: '❌ CONTRADICTED', UNKNOWN: '❔ UNKNOWN' } as const;
  const count = (s: keyof typeof icon) => claims.filter((c) => c.status === s).length;
  const lines = [
    anchor('claims'),
    '## 🔍 Reality vs Claims',
    '',
    `${plural(claims.length, 'claim')} in the README and docs, checked against the code: ${count('VERIFIED')} verified, ${count('CONTRADICTED')} contradicted, ${count('UNKNOWN')} that the code cannot confirm.`,
    '',
    '| Claim | Where it is made | Status | Why | Evidence |',
    '|---|---|---|---|---|',
  ];
  for (const c of claims)
    lines.push(`| ${escapeCell(c.claim)} | ${codeCell(formatLocation(c.source))} | ${icon[c.status]} | ${escapeCell(c.notes)} | ${c.evidence.slice(0, 2).map((e) => codeCell(formatLocation(e))).join(', ') || '—'} |`);
  lines.push('');
  return lines;
}

function timelineSection(report: AuditReport): string[] {
  const plan = report.plan!;
  const cut = plan.minimumCutToGo;
  const lines = [anchor('timeline-to-production'), '## ⏱️ Timeline to Production', '', `For ${teamText(plan.team)} (${plan.team.size * plan.team.hoursPerWeek} hours a week). The full plan is in [${REPORT_FILES.plan}](${REPORT_FILES.plan}).`, ''];
  lines.push('### Minimum Viable Production', '');
  if (!cut.items.length) lines.push(`Already ${report.summary.verdict}: nothing stands between this code and a GO.`, '');
  else {
    lines.push(`**${weeksText(plan.timeline.minimumViableRange)}** — ${plural(cut.items.length, 'change')}, ${hours(cut.hours)} ([the minimum cut to GO](#minimum-requirements-for-go)); afterwards the audit scores ${cut.after.score}/100 (${cut.after.grade}), verdict ${cut.after.verdict}.`, '');
    if (!cut.reachesTarget && cut.note) lines.push(`⚠️ ${escapeMd(cut.note)}`, '');
  }
  const conditional = plan.minimumCutToConditional;
  if (conditional?.items.length && conditional.reachesTarget)
    lines.push(`A limited launch (GO WITH CONDITIONS: no critical finding left, the high ones accepted and watched) needs ${plural(conditional.items.length, 'change')}, ${hours(conditional.hours)} (${weeksText(conditional.weeksRange)}).`, '');
  lines.push('### Full Production Readiness', '', `**${weeksText(plan.timeline.fullReadinessRange)}** — every finding closed: ${plural(plan.phases.reduce((n, p) => n + p.items.length, 0), 'change')}, ${hours(plan.timeline.totalHours)} (${hours(plan.ungroupedHours)} if every finding were fixed on its own).`, '');
  plan.phases.forEach((phase, i) => {
    const weeks = phase.startWeek === phase.endWeek ? `week ${phase.startWeek}` : `weeks ${phase.startWeek}–${phase.endWeek}`;
    lines.push(`#### Phase ${i + 1}: ${phase.name} (${weeks}, ${hours(phase.hours)})`);
    for (const item of phase.items.slice(0, 8)) lines.push(`- ${planLink(item.id)} ${escapeMd(item.title)} — ${hours(item.hours)}`);
    if (phase.items.length > 8) lines.push(`- … and ${phase.items.length - 8} more`);
    lines.push(`- *After this phase: ${phase.after.score}/100 (${phase.after.grade}), ${phase.after.verdict}*`, '');
  });
  lines.push(`*${plan.assumptions.map(escapeMd).join(' ')}*`, '');
  return lines;
}

function immediateActions(report: AuditReport): string[] {
  const plan = report.plan!;
  const week = plan.schedule[0];
  const lines = [anchor('immediate-action-items'), '## 🎯 Immediate Action Items (This Week)', ''];
  if (!week) return [...lines, 'Nothing to do: no open findings.', ''];
  const items = new Map(plan.phases.flatMap((p) => p.items).map((i) => [i.id, i]));
  for (const part of week.items) {
    const item = items.get(part.id);
    if (!item) continue;
    const split = part.hours < item.hours ? ` (${hours(part.hours)} of ${hours(item.hours)} this week)` : ` (${hours(item.hours)})`;
    lines.push(`- [ ] ${planLink(item.id)} ${escapeMd(item.title)}${split} — closes ${findingLinks(item.findings, '', 4)}`);
  }
  lines.push('', `**Week 1 total:** ${hours(week.hours)} of ${plan.team.size * plan.team.hoursPerWeek} h capacity.`, '');
  return lines;
}

function metricsSection(report: AuditReport): string[] {
  const { summary } = report;
  const m = report.metrics;
  const loc = summary.linesOfCode;
  const lines = [anchor('detailed-metrics'), '## 📊 Detailed Metrics', '', '### Code Quality', ''];
  lines.push(`- **Files audited:** ${summary.filesAudited}${m ? ` (Python ${m.files.python}, JS/TS ${m.files.js}, tests ${m.files.test})` : ''}`);
  lines.push(`- **Lines of code:** ${loc.total.toLocaleString('en-US')} (Python ${loc.python.toLocaleString('en-US')}, JS/TS ${loc.js.toLocaleString('en-US')}, other ${loc.other.toLocaleString('en-US')})`);
  if (m) {
    lines.push(`- **Shipped source lines** (no tests, migrations or generated code): ${(m.sourceLines.python + m.sourceLines.js).toLocaleString('en-US')} (Python ${m.sourceLines.python.toLocaleString('en-US')}, JS/TS ${m.sourceLines.js.toLocaleString('en-US')})`);
    if (m.typeAnnotationCoverage !== null) lines.push(`- **Type hint coverage (Python):** ${m.typeAnnotationCoverage}% (${m.typeAnnotations.annotated.toLocaleString('en-US')} of ${m.typeAnnotations.slots.toLocaleString('en-US')} parameters and returns, ${plural(m.typeAnnotations.files, 'file')})`);
    if (m.anyPerThousandLines !== null) lines.push(`- **Explicit \`any\` (TypeScript):** ${m.anyPerThousandLines} per 1,000 lines (${m.anyUsage.count} in ${plural(m.anyUsage.files, 'file')})`);
    if (m.duplicationPercent !== null) {
      const largest = m.duplication.largest[0];
      lines.push(`- **Code duplication:** ${m.duplicationPercent}% of source lines (${m.duplication.duplicatedLines.toLocaleString('en-US')} of ${m.duplication.sourceLines.toLocaleString('en-US')})${largest ? `; largest copy ${largest.lines} lines: ${largest.places.slice(0, 3).map((p) => locationCode(p)).join(', ')}` : ''}`);
    }
    const markers = Object.entries(m.todoMarkerDetail.byMarker).map(([k, n]) => `${n} ${escapeMd(k)}`).join(', ');
    lines.push(`- **TODO/FIXME markers in shipped code:** ${m.todoMarkers}${markers ? ` (${markers})` : ''}${m.todoMarkerDetail.first.length ? `, e.g. ${m.todoMarkerDetail.first.slice(0, 3).map((t) => locationCode(t.at)).join(', ')}` : ''}`);
  }
  if (report.testing) lines.push(`- **Test coverage:** ${report.testing.coverage ? `${report.testing.coverage.percent}%` : 'unknown (no coverage report)'}`);
  lines.push(`- **Routes:** ${summary.routes.total} (${summary.routes.guarded} authenticated)`);
  if (m?.largestFiles.length) {
    lines.push('', '**Largest files:**', '', '| File | Lines | Routes | Functions |', '|---|---|---|---|');
    for (const f of m.largestFiles.slice(0, 5)) lines.push(`| ${codeCell(f.file)} | ${f.lines.toLocaleString('en-US')} | ${f.routes} | ${f.functions} |`);
  }
  if (report.dependencies) {
    const d = report.dependencies;
    lines.push('', '### Dependencies', '', `- **Manifests:** ${d.manifests.map((x) => `${code(x.file)} (${x.dependencies}${x.lockfile ? ', locked' : ', no lockfile'})`).join(', ') || 'none'}`, `- **Known vulnerable packages:** ${d.advisorySource.kind === 'none' ? 'not checked (pass --osv-db DIR or --online)' : d.vulnerable.length}`);
  }
  lines.push('', anchor('score'), '### How the Score Was Computed', '', '| Category | Score | Grade | Weight | Deductions |', '|----------|-------|-------|--------|------------|');
  for (const c of summary.categories) {
    if (c.score === null) continue;
    const deductions = c.deductions.length ? c.deductions.map((d) => `${code(d.ruleId)} −${d.points} (${plural(d.findings, 'finding')})`).join(', ') : '—';
    lines.push(`| ${capitalise(c.category)} | ${c.score} | ${c.grade} | ${c.weight} | ${deductions} |`);
  }
  const notScored = summary.categories.filter((c) => c.score === null).map((c) => c.category);
  lines.push('', `Overall ${summary.score}/100 is the weighted mean of the category scores, capped while critical or high findings are open${notScored.length ? `; not scored (no rule applied): ${notScored.join(', ')}` : ''}. The formula is in shipgate's \`docs/scoring.md\`.`, '');
  return lines;
}

function verdictSection(report: AuditReport): string[] {
  const { summary, plan } = report;
  const lines = [anchor('final-verdict'), '## 🎬 Final Verdict', '', `### ${VERDICT_HEADING[summary.verdict]}`, '', `**Risk Level:** ${summary.riskLevel}  `, `**Why:** ${summary.verdictReasons.map(escapeMd).join('; ')}.`, ''];
  const deciding = report.findings.filter((f) => f.status === 'open' && (f.severity === 'critical' || (summary.verdict !== 'NO-GO' && f.severity === 'high')));
  const blocking = groupFindings(deciding, 'rule');
  if (blocking.length) {
    lines.push('**Blocking Issues:**', '');
    blocking.forEach((g, i) => lines.push(`${i + 1}. ${escapeMd(g[0].title)} — ${findingLinks(g.map((f) => f.id), '', 4)}`));
    lines.push('');
  }
  lines.push(anchor('minimum-requirements-for-go'), '### Minimum Requirements for GO Decision', '');
  if (plan) {
    const cut = plan.minimumCutToGo;
    const items = new Map(plan.phases.flatMap((p) => p.items).map((i) => [i.id, i]));
    if (!cut.items.length) lines.push('None: the verdict is already GO.', '');
    else {
      lines.push(`✅ **Must complete before production** — the smallest set of changes after which the audit, re-scored with the same policy, says ${cut.verdictAfter}:`, '');
      for (const id of cut.items) {
        const item = items.get(id);
        if (item) lines.push(`- [ ] ${planLink(id)} ${escapeMd(item.title)} — ${hours(item.hours)}, closes ${findingLinks(item.findings, '', 5)}`);
      }
      lines.push('', `**Total:** ${hours(cut.hours)} (${weeksText(plan.timeline.minimumViableRange)} for ${teamText(plan.team)}). **After these:** ${cut.after.score}/100 (grade ${cut.after.grade}), security grade ${cut.after.securityGrade}, verdict **${cut.after.verdict}**.`, '');
      if (!cut.reachesTarget && cut.note) lines.push(`⚠️ ${escapeMd(cut.note)}`, '');
    }
  } else {
    const critical = report.findings.filter((f) => f.status === 'open' && f.severity === 'critical');
    if (critical.length) {
      lines.push('Close (fix, or triage with a reason) every open critical finding:', '');
      for (const f of critical) lines.push(`- [ ] ${findingLink(f.id)} ${escapeMd(f.message)} (${locationCode(f.location)}, ≈ ${hours(f.effortHours)})`);
      lines.push('');
    }
  }
  lines.push('Beyond what the code shows: a penetration test, a review of provider settings (backups, alerting, key rotation) and, where personal or health data is stored, a compliance review.', '');
  lines.push(...confidenceLines(report, deciding));
  return lines;
}

/**
 * How sure the verdict is. A NO-GO (or GO WITH CONDITIONS) stands on its strongest deciding finding:
 * one high-confidence critical finding is enough. A GO is as sure as the coverage behind it.
 */
function confidenceLines(report: AuditReport, deciding: Finding[]): string[] {
  const rank = { high: 3, medium: 2, low: 1 } as const;
  const open = report.findings.filter((f) => f.status === 'open');
  const highShare = `${open.filter((f) => f.confidence === 'high').length} of ${open.length} open findings are high-confidence (their rule is rarely wrong about the pattern); every finding names the file and line it rests on, so each can be checked in minutes.`;
  if (deciding.length) {
    const strongest = [...deciding].sort((a, b) => rank[b.confidence] - rank[a.confidence])[0];
    const level = strongest.confidence.toUpperCase();
    return [`### Confidence Level: ${level}`, '', `The verdict stands on ${findingLink(strongest.id)} alone (${strongest.confidence} confidence): ${escapeMd(strongest.title)}. ${highShare}`, ''];
  }
  const crashed = report.outcomes.filter((o) => o.status === 'error').length;
  const parseErrors = report.diagnostics.filter((d) => d.kind === 'parse-error').length;
  const level = crashed || parseErrors ? 'MEDIUM' : 'HIGH';
  const why = crashed || parseErrors ? `${plural(crashed, 'rule')} crashed and ${plural(parseErrors, 'file')} did not parse (see Scope), so some code went unchecked.` : 'Every applicable rule ran on every file it applies to.';
  return [`### Confidence Level: ${level}`, '', `${why} A GO means no rule found a blocking problem; it is not a proof that none exists.${open.length ? ` ${highShare}` : ''}`, ''];
}

function nextSteps(report: AuditReport): string[] {
  const plan = report.plan;
  const lines = [anchor('next-steps'), '## 📞 Next Steps', ''];
  const steps = [
    '**Present findings** — review this report with the engineering team and stakeholders.',
    plan?.phases.length ? `**Prioritise** — start with Phase 1 of [${REPORT_FILES.plan}](${REPORT_FILES.plan}) (${plan.phases[0].name}: ${plural(plan.phases[0].items.length, 'change')}, ${hours(plan.phases[0].hours)}).` : '**Prioritise** — nothing is open.',
    `**Track the work** — the checklist is [${REPORT_FILES.todo}](${REPORT_FILES.todo}); triage what you accept with \`shipgate triage ID --as accepted --reason "…"\`.`,
    '**Re-audit after each fix** — `shipgate audit .` records every run in `.shipgate/history.jsonl` and reports what was fixed, what is new and the grade trend.',
    '**Gate deployments** — run `shipgate audit . --fail-on critical` in CI so nothing critical ships again.',
  ];
  steps.forEach((s, i) => lines.push(`${i + 1}. ${s}`));
  lines.push('');
  return lines;
}

function scopeSection(report: AuditReport): string[] {
  const lines = [anchor('scope'), '## 📄 Scope of This Audit', ''];
  const notAssessed = [
    ...(!report.testing && !report.scorecards.testing?.length ? ['testing'] : []),
    ...(!report.dependencies && !report.scorecards.dependencies?.length ? ['dependencies'] : []),
    ...(!report.compliance && !report.scorecards.compliance?.length ? ['compliance (HIPAA/GDPR)'] : []),
    ...(!report.scorecards.infrastructure?.length ? ['infrastructure'] : []),
    ...(!report.claims ? ['README claims'] : []),
  ];
  const ran = report.outcomes.filter((o) => o.status === 'passed' || o.status === 'failed').length;
  const na = report.outcomes.filter((o) => o.status === 'not-applicable').length;
  lines.push(`- **Rules:** ${ran} ran, ${na} did not apply to this repository${report.outcomes.some((o) => o.status === 'error') ? `, ${report.outcomes.filter((o) => o.status === 'error').length} crashed (see below)` : ''}.`);
  if (notAssessed.length) lines.push(`- **Not assessed in this audit:** ${notAssessed.join(', ')}.`);
  if (report.skipped.length) {
    lines.push(`- **Skipped paths (${report.skipped.length}):**`);
    for (const s of report.skipped.slice(0, 20)) lines.push(`  - ${code(s.file)} — ${escapeMd(s.reason)}`);
    if (report.skipped.length > 20) lines.push(`  - … and ${report.skipped.length - 20} more (in the JSON report)`);
  }
  if (report.diagnostics.length) {
    lines.push(`- **Diagnostics (${report.diagnostics.length}):**`);
    for (const d of report.diagnostics.slice(0, 20)) lines.push(`  - ${d.kind}${d.file ? ` ${code(d.file)}` : ''}: ${escapeMd(d.message)}`);
    if (report.diagnostics.length > 20) lines.push(`  - … and ${report.diagnostics.length - 20} more`);
  }
  lines.push('');
  return lines;
}

// ─────────────────────────────────────────────────────────────────────────────


/** Finding id → the plan item that closes it. */
function planItemIndex(report: AuditReport): Map<string, string> {
  const out = new Map<string, string>();
  for (const phase of report.plan?.phases ?? []) for (const item of phase.items) for (const id of item.findings) out.set(id, item.id);
  return out;
}

function planLink(id: string | undefined): string {
  return id ? `[${id}](${REPORT_FILES.plan}#${anchorId(id)})` : '—';
}

function teamText(team: { size: number; hoursPerWeek: number }): string {
  return `${team.size} engineer${team.size === 1 ? '' : 's'} at ${team.hoursPerWeek} h/week`;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : `${n}`;
}
