/**
 * The action plan (`--format plan`), in the shape of the reference plans: the minimum cut to GO
 * first, then phases in priority order, each change with its hours, the findings it closes and
 * the fix with its code example (from the rule), the week-by-week schedule with week totals for
 * the team's capacity, success criteria per phase, the timeline and the assumptions behind it.
 */
import type { AuditReport, PlanCut, PlanItem } from '../model/audit-report.ts';
import { formatLocation, plural } from './format.ts';
import {
  anchor,
  anchorId,
  code,
  escapeCell,
  escapeMd,
  findingIndex,
  findingLink,
  hours,
  REPORT_FILES,
  weeksText,
} from './markdown-text.ts';

const PHASE_ICONS = ['🚨', '🔧', '🧪', '📋', '🧹'];
const AUDIT = REPORT_FILES.md;

export function renderPlan(report: AuditReport): string {
  const plan = report.plan;
  const { summary } = report;
  const out: string[] = [`# ${escapeMd(report.target)} — Audit Action Plan`, ''];
  const push = (...lines: string[]) => out.push(...lines);
  const basedOn = `Based on the shipgate audit${summary.date ? ` of ${summary.date.slice(0, 10)}` : ''}${summary.commit ? ` (commit ${code(summary.commit.slice(0, 12))})` : ''}: **${summary.score}/100, grade ${summary.grade}, security grade ${summary.securityGrade}, ${summary.verdict}** ([full audit](${AUDIT})).`;
  push(basedOn, '');
  if (!plan) {
    push('This audit carries no action plan.', '');
    return finish(out);
  }
  const items = plan.phases.flatMap((p) => p.items);
  const capacity = plan.team.size * plan.team.hoursPerWeek;
  if (!items.length) {
    push('✅ **Nothing to do:** the audit found no open finding.', '');
    return finish(out);
  }
  push(
    `**Team:** ${plural(plan.team.size, 'engineer')} × ${plan.team.hoursPerWeek} focused h/week = ${capacity} h/week  `,
    `**Work:** ${plural(items.length, 'change')}, ${hours(plan.timeline.totalHours)} (${hours(plan.ungroupedHours)} if each of the ${report.findings.filter((f) => f.status === 'open').length} open findings were fixed on its own)  `,
    `**To GO:** ${cutSummary(plan.minimumCutToGo)}  `,
    `**Full readiness:** ${weeksText(plan.timeline.fullReadinessRange)}`,
    '',
    '---',
    '',
  );

  // ── Minimum cut ──────────────────────────────────────────────────────────
  const byId = new Map(items.map((i) => [i.id, i]));
  push(anchor('minimum-cut-to-go'), '## 🎯 Minimum Cut to GO', '');
  push(...cutSection(plan.minimumCutToGo, byId, summary.verdict));
  if (plan.minimumCutToConditional?.items.length) {
    push('### For a limited launch (GO WITH CONDITIONS)', '', `No critical finding left; the high ones accepted and watched. ${cutSummary(plan.minimumCutToConditional)}:`, '');
    push(plan.minimumCutToConditional.items.map((id) => itemRef(id)).join(', '), '');
  }
  push('---', '');

  // ── Phases ───────────────────────────────────────────────────────────────
  const seenFix = new Map<string, string>();
  const findings = findingIndex(report);
  plan.phases.forEach((phase, i) => {
    const weeks = phase.startWeek === phase.endWeek ? `Week ${phase.startWeek}` : `Weeks ${phase.startWeek}–${phase.endWeek}`;
    push(anchor(`phase-${i + 1}`), `## ${PHASE_ICONS[i] ?? '📌'} Phase ${i + 1}: ${escapeMd(phase.name)} (${weeks} · ${hours(phase.hours)})`, '', `*${escapeMd(phase.goal)}*`, '');
    for (const item of phase.items) {
      push(anchor(item.id), `### ${item.id}: ${escapeMd(item.title)} (${hours(item.hours)})`);
      const cut = plan.minimumCutToGo.items.includes(item.id) ? ' · **needed for GO**' : '';
      push(`**Priority:** ${item.priority} · **Severity:** ${item.severity} · **Category:** ${item.category}${item.scorecard ? ` · **Scorecard:** ${escapeMd(item.scorecard)}` : ''}${cut}`, '');
      push(`**Closes:** ${closesText(item, findings)}`);
      if (item.findings.length === 1) {
        const only = findings.get(item.findings[0]);
        if (only) push('', `> ${escapeMd(only.message)}`, '');
      }
      if (item.routes.length) push(`**Routes:** ${item.routes.slice(0, 8).map((r) => code(r)).join(', ')}${item.routes.length > 8 ? ` and ${item.routes.length - 8} more` : ''}`);
      if (item.findings.length > 1) push(`**Estimate:** ${hours(item.hours)} for one ${item.scope === 'app' ? 'change to the application' : item.scope === 'file' ? 'change to the file' : 'change'} (${hours(item.ungroupedHours)} if each finding were fixed on its own)`);
      push('');
      const first = findings.get(item.findings[0]);
      const previous = seenFix.get(item.ruleId);
      if (previous) push(`**Fix:** as in ${itemRef(previous)}.`, '');
      else if (first) {
        seenFix.set(item.ruleId, item.id);
        push('**Fix:**', '', first.fix, '');
      }
    }
    push(`*Done when:* [Phase ${i + 1} success criteria](#phase-${i + 1}-success-criteria) hold.`, '', '---', '');
  });

  // ── Schedule ─────────────────────────────────────────────────────────────
  push(anchor('progress-tracking'), '## 📊 Progress Tracking', '', `Items in plan order, filling ${capacity} h a week; a change larger than what is left of a week runs into the next.`, '');
  for (const week of plan.schedule) {
    push(`### Week ${week.week}`);
    for (const part of week.items) {
      const item = byId.get(part.id);
      if (!item) continue;
      const share = part.hours < item.hours - 1e-9 ? `${hours(part.hours)} of ${hours(item.hours)}` : hours(part.hours);
      push(`- [ ] ${itemRef(item.id)} ${escapeMd(item.title)} — ${share}`);
    }
    push('', `**Week ${week.week} Total:** ${hours(week.hours)}`, '');
  }
  push('---', '');

  // ── Success criteria and timeline ────────────────────────────────────────
  push(anchor('success-criteria'), '## 🎯 Success Criteria', '');
  plan.phases.forEach((phase, i) => {
    push(anchor(`phase-${i + 1}-success-criteria`), `### Phase ${i + 1} completion (end of week ${phase.endWeek}): ${escapeMd(phase.name)}`);
    for (const c of phase.successCriteria) push(`- [ ] ${escapeMd(c)}`);
    push('');
  });
  push('---', '', anchor('timeline'), '## ⏱️ Timeline to Production', '');
  push(`| Milestone | Changes | Hours | Weeks (${capacity} h/week) | Audit afterwards |`, '|---|---|---|---|---|');
  const cut = plan.minimumCutToGo;
  if (plan.minimumCutToConditional?.items.length) {
    const c = plan.minimumCutToConditional;
    push(`| Limited launch (GO WITH CONDITIONS) | ${c.items.length} | ${hours(c.hours)} | ${weeksText(c.weeksRange)} | ${c.after.score}/100 (${c.after.grade}), ${c.after.verdict} |`);
  }
  push(`| [Minimum viable production (GO)](#minimum-cut-to-go) | ${cut.items.length} | ${hours(cut.hours)} | ${weeksText(plan.timeline.minimumViableRange)} | ${cut.after.score}/100 (${cut.after.grade}), ${cut.after.verdict} |`);
  const last = plan.phases[plan.phases.length - 1];
  push(`| Full production readiness | ${items.length} | ${hours(plan.timeline.totalHours)} | ${weeksText(plan.timeline.fullReadinessRange)} | ${last.after.score}/100 (${last.after.grade}), ${last.after.verdict} |`, '');
  push('---', '', anchor('notes'), '## 📝 Notes', '');
  for (const a of plan.assumptions) push(`- ${escapeMd(a)}`);
  push(
    '- Start with security fixes (highest risk); add a test with each fix so it stays fixed.',
    `- Re-run \`shipgate audit\` after each phase: FIXED items drop out of this plan and flip in [${REPORT_FILES.todo}](${REPORT_FILES.todo}).`,
    '',
  );
  return finish(out);
}

function cutSummary(cut: PlanCut): string {
  if (!cut.items.length) return `nothing: the verdict is already ${cut.verdictAfter}`;
  return `${plural(cut.items.length, 'change')}, ${hours(cut.hours)} (${weeksText(cut.weeksRange)}) → ${cut.after.score}/100 (${cut.after.grade}), ${cut.verdictAfter}`;
}

function cutSection(cut: PlanCut, byId: Map<string, PlanItem>, verdict: string): string[] {
  if (!cut.items.length) return [`Nothing: the verdict is already ${verdict}.`, ''];
  const lines = [
    `The smallest set of changes after which the audit, re-scored with the same policy, says **${cut.verdictAfter}** (score ${cut.after.score}/100, grade ${cut.after.grade}, security grade ${cut.after.securityGrade}). Each is needed: leave one out and the verdict falls short.`,
    '',
    '| # | Change | Closes | Hours |',
    '|---|---|---|---|',
  ];
  for (const id of cut.items) {
    const item = byId.get(id);
    if (item) lines.push(`| ${itemRef(id)} | ${escapeCell(item.title)} | ${item.findings.slice(0, 4).map((f) => findingLink(f, AUDIT)).join(', ')}${item.findings.length > 4 ? ` +${item.findings.length - 4}` : ''} | ${hours(item.hours)} |`);
  }
  lines.push(`| | **Total** | | **${hours(cut.hours)}** |`, '');
  if (!cut.reachesTarget && cut.note) lines.push(`⚠️ ${escapeMd(cut.note)}`, '');
  return lines;
}

function closesText(item: PlanItem, findings: ReturnType<typeof findingIndex>): string {
  const parts = item.findings.slice(0, 6).map((id) => {
    const f = findings.get(id);
    return f ? `${findingLink(id, AUDIT)} (${code(formatLocation(f.location))})` : findingLink(id, AUDIT);
  });
  return `${parts.join(', ')}${item.findings.length > 6 ? ` and ${item.findings.length - 6} more` : ''}`;
}

function itemRef(id: string): string {
  return `[${id}](#${anchorId(id)})`;
}

function finish(out: string[]): string {
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
