/**
 * The HTML report (`--format html`): ONE self-contained file for people — verdict and grade up
 * front, score breakdown and trend charts (inline SVG), scorecards, filterable findings with
 * snippets and fixes, the route control matrix and the plan. No network: inline CSS, JS and SVG,
 * no fonts, no CDN; a Content-Security-Policy allows only the page's own script and style (by hash),
 * so even text that escaped escaping could not run. All repository text goes through `esc()`;
 * the data the filter script reads is embedded with `jsonForScript()`.
 */
import { createHash } from 'node:crypto';
import type { AuditReport, ControlState, ScorecardEntry } from '../model/audit-report.ts';
import type { Finding } from '../model/finding.ts';
import type { Severity } from '../model/rule.ts';
import { formatLocation, orderedAreas, plural, ROUTE_CONTROL_COLUMNS, SEVERITIES } from './format.ts';
import { esc, inline, jsonForScript, markdownToHtml } from './html-text.ts';
import { capitalise, hours, weeksText } from './markdown-text.ts';

const SEVERITY_COLOUR: Record<Severity, string> = { critical: '#b42318', high: '#d9480f', medium: '#b08800', low: '#1c64b8', info: '#667085' };
const VERDICT_CLASS = { 'NO-GO': 'nogo', 'GO WITH CONDITIONS': 'conditional', GO: 'go' } as const;
const STATUS_CLASS: Record<ScorecardEntry['status'], string> = { PASS: 'pass', PARTIAL: 'partial', FAIL: 'fail', UNKNOWN: 'unknown', 'N/A': 'na' };
const CONTROL_TEXT: Record<ControlState, string> = { yes: '✓', no: '✗', 'n/a': '–', unknown: '?' };

export function renderHtml(report: AuditReport): string {
  const style = STYLE;
  const script = SCRIPT;
  const csp = [
    "default-src 'none'",
    `style-src 'sha256-${sha256(style)}'`,
    `script-src 'sha256-${sha256(script)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = `Production readiness audit: ${report.target}`;
  const body = [header(report), hero(report), charts(report), scorecards(report), findingsSection(report), routesSection(report), planSection(report), extrasSection(report), footer(report)].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="shipgate ${esc(report.tool.version)}">
<title>${esc(title)}</title>
<style>${style}</style>
</head>
<body>
${body}
<script type="application/json" id="shipgate-data">${jsonForScript(filterData(report))}</script>
<script>${script}</script>
</body>
</html>
`;
}

// ── Sections ────────────────────────────────────────────────────────────────

function header(report: AuditReport): string {
  const s = report.summary;
  const frameworks = [...new Set(report.frameworks.map((f) => f.name))];
  const meta = [
    `shipgate ${esc(report.tool.version)}`,
    ...(s.date ? [`audited ${esc(s.date.slice(0, 10))}`] : []),
    ...(s.commit ? [`commit <code>${esc(s.commit.slice(0, 12))}</code>`] : []),
    `${s.filesAudited.toLocaleString('en-US')} files, ${s.linesOfCode.total.toLocaleString('en-US')} lines`,
    ...(frameworks.length ? [esc(frameworks.join(', '))] : []),
    `${s.routes.total} routes`,
  ];
  return `<header class="top"><h1>Production Readiness Audit <span class="target">${esc(report.target)}</span></h1><p class="meta">${meta.join(' · ')}</p>
<nav><a href="#summary">Summary</a><a href="#scorecards">Scorecards</a><a href="#findings">Findings</a>${report.routes.length ? '<a href="#routes">Routes</a>' : ''}${report.plan ? '<a href="#plan">Plan</a>' : ''}</nav></header>`;
}

function hero(report: AuditReport): string {
  const s = report.summary;
  const pills = SEVERITIES.map(
    (sev) => `<button type="button" class="count sev-${sev}" data-filter-severity="${sev}" title="Show the open ${sev} findings"><b>${s.counts[sev]}</b> ${sev}</button>`,
  ).join('');
  const cut = report.plan?.minimumCutToGo;
  const cutText = !report.plan
    ? ''
    : !cut || !cut.items.length
      ? '<p>Nothing stands between this code and a GO.</p>'
      : `<p><b>${cut.items.length}</b> change${cut.items.length === 1 ? '' : 's'}, <b>${esc(hours(cut.hours))}</b> (${esc(weeksText(cut.weeksRange))} for ${report.plan.team.size} × ${report.plan.team.hoursPerWeek} h/week) → ${esc(cut.after.score)}/100, ${esc(cut.after.grade)}, <b>${esc(cut.verdictAfter)}</b>${cut.reachesTarget ? '' : ` — ${esc(cut.note ?? '')}`}</p>`;
  return `<section id="summary" class="hero verdict-${VERDICT_CLASS[s.verdict]}">
<div class="verdict"><span class="label">Verdict</span><strong id="verdict">${esc(s.verdict)}</strong><span class="reasons">${esc(s.verdictReasons.join('; '))}</span></div>
<div class="grade"><span class="label">Grade</span><strong>${esc(s.grade)}</strong><span>${s.score}/100</span></div>
<div class="grade"><span class="label">Security</span><strong>${esc(s.securityGrade)}</strong><span>risk ${esc(s.riskLevel)}</span></div>
<div class="counts"><span class="label">Open findings</span><div>${pills}</div><span>${esc(hours(s.effortHours))} one by one${report.plan ? `, ${esc(hours(report.plan.timeline.totalHours))} as ${plural(report.plan.phases.reduce((n, p) => n + p.items.length, 0), 'planned change')}` : ''}</span></div>
${report.plan ? `<div class="cut"><span class="label">Minimum cut to GO</span>${cutText}</div>` : ''}
</section>`;
}

function charts(report: AuditReport): string {
  return `<section class="charts">
<figure><figcaption>Score by category</figcaption>${categoryChart(report)}</figure>
<figure><figcaption>Score trend</figcaption>${trendChart(report)}</figure>
</section>`;
}

function categoryChart(report: AuditReport): string {
  const rows = report.summary.categories.filter((c) => c.score !== null);
  if (!rows.length) return '<p class="muted">No category was scored.</p>';
  const rowHeight = 26;
  const width = 520;
  const labelWidth = 130;
  const barWidth = width - labelWidth - 70;
  const height = rows.length * rowHeight + 8;
  const bars = rows
    .map((c, i) => {
      const y = i * rowHeight + 4;
      const score = c.score ?? 0;
      const colour = score >= 80 ? '#12805c' : score >= 60 ? '#b08800' : '#b42318';
      return `<g><title>${esc(`${capitalise(c.category)}: ${score}/100 (${c.grade}), weight ${c.weight}`)}</title><text x="0" y="${y + 16}" class="axis">${esc(capitalise(c.category))}</text><rect x="${labelWidth}" y="${y + 3}" width="${barWidth}" height="16" rx="3" fill="#eaecf0"/><rect x="${labelWidth}" y="${y + 3}" width="${Math.max(1, Math.round((barWidth * score) / 100))}" height="16" rx="3" fill="${colour}"/><text x="${labelWidth + barWidth + 8}" y="${y + 16}" class="value">${score} ${esc(c.grade ?? '')}</text></g>`;
    })
    .join('');
  return `<svg role="img" aria-label="Score by category" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">${bars}</svg>`;
}

function trendChart(report: AuditReport): string {
  const trend = report.progress?.trend ?? [];
  if (trend.length < 2)
    return `<p class="muted">${trend.length ? 'One audit recorded so far.' : 'First audit:'} the trend appears once the audit has run again (every run is recorded in <code>.shipgate/history.jsonl</code>).</p>`;
  const width = 520;
  const height = 200;
  const left = 36;
  const right = 16;
  const top = 14;
  const bottom = 34;
  const x = (i: number) => left + ((width - left - right) * i) / (trend.length - 1);
  const y = (score: number) => top + ((height - top - bottom) * (100 - score)) / 100;
  const grid = [0, 25, 50, 75, 100].map((v) => `<line x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${left - 6}" y="${y(v) + 4}" class="axis" text-anchor="end">${v}</text>`).join('');
  const points = trend.map((t, i) => `${x(i).toFixed(1)},${y(t.score).toFixed(1)}`).join(' ');
  const marks = trend
    .map(
      (t, i) =>
        `<g><title>${esc(`${t.date.slice(0, 10)}: ${t.score}/100 (${t.grade}), ${t.verdict}`)}</title><circle cx="${x(i).toFixed(1)}" cy="${y(t.score).toFixed(1)}" r="4" class="point"/><text x="${x(i).toFixed(1)}" y="${(y(t.score) - 8).toFixed(1)}" text-anchor="middle" class="value">${esc(t.grade)}</text><text x="${x(i).toFixed(1)}" y="${height - 12}" text-anchor="middle" class="axis">${esc(t.date.slice(5, 10))}</text></g>`,
    )
    .join('');
  const p = report.progress!;
  const since = `Since the last audit: ${p.fixed.length} fixed, ${p.new.length} new, ${p.regressed.length} regressed, ${p.stillOpen.length} still open.`;
  return `<svg role="img" aria-label="${esc(`Score trend: ${trend.map((t) => t.grade).join(' to ')}`)}" viewBox="0 0 ${width} ${height}" width="100%">${grid}<polyline points="${points}" class="line"/>${marks}</svg><p class="muted">${esc(trend.map((t) => `${t.grade} (${t.score})`).join(' → '))}. ${esc(since)}</p>`;
}

function scorecards(report: AuditReport): string {
  const areas = orderedAreas(report.scorecards).filter(([, rows]) => rows.length);
  const tables = areas
    .map(([area, rows]) => {
      const body = rows
        .map(
          (r) =>
            `<tr><td>${esc(r.name)}</td><td><span class="status ${STATUS_CLASS[r.status]}">${esc(r.status)}</span></td><td>${inline(r.notes)}${r.status === 'UNKNOWN' && r.howToKnow ? `<br><span class="muted">To know: ${esc(r.howToKnow)}</span>` : ''}</td><td>${r.findings.slice(0, 6).map((id) => findingRef(id)).join(' ')}${r.findings.length > 6 ? ` +${r.findings.length - 6}` : ''}${(r.evidence ?? []).slice(0, 2).map((e) => ` <code>${esc(formatLocation(e))}</code>`).join('')}</td></tr>`,
        )
        .join('');
      return `<div class="card"><h3>${esc(capitalise(area))}</h3><table><thead><tr><th>Check</th><th>Status</th><th>Notes</th><th>Evidence</th></tr></thead><tbody>${body}</tbody></table></div>`;
    })
    .join('\n');
  return `<section id="scorecards"><h2>Scorecards</h2><div class="cards">${tables}</div></section>`;
}

function findingsSection(report: AuditReport): string {
  const findings = report.findings;
  const itemOf = new Map<string, string>();
  for (const phase of report.plan?.phases ?? []) for (const item of phase.items) for (const id of item.findings) itemOf.set(id, `${item.id}: ${item.title}`);
  const byId = new Map(findings.map((f) => [f.id, f]));
  const options = (values: string[]) => values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('');
  const categories = [...new Set(findings.map((f) => f.category))].sort();
  const rules = [...new Set(findings.map((f) => f.ruleId))].sort();
  const statuses = [...new Set(findings.map((f) => f.status))].sort();
  const filters = `<form class="filters" id="filters" role="search">
<label>Severity <select id="f-severity"><option value="">all</option>${options(SEVERITIES.filter((s) => findings.some((f) => f.severity === s)))}</select></label>
<label>Category <select id="f-category"><option value="">all</option>${options(categories)}</select></label>
<label>Rule <select id="f-rule"><option value="">all</option>${options(rules)}</select></label>
<label>Status <select id="f-status"><option value="">all</option>${options(statuses)}</select></label>
<label class="search">Search <input type="search" id="f-text" placeholder="text, file, rule, id"></label>
<button type="button" id="f-reset">Reset</button>
<span id="f-count" class="muted" aria-live="polite">${findings.length} findings</span>
</form>`;
  const items = findings.map((f) => findingHtml(f, byId, itemOf.get(f.id))).join('\n');
  return `<section id="findings"><h2>Findings</h2>${filters}<p id="no-match" class="muted" hidden>No finding matches these filters.</p><div class="findings">${items || '<p class="muted">No findings.</p>'}</div></section>`;
}

function findingHtml(f: Finding, byId: Map<string, Finding>, planItem: string | undefined): string {
  const cwe = f.cwe.map((c) => `<a href="https://cwe.mitre.org/data/definitions/${c}.html" rel="noopener noreferrer">CWE-${c}</a>`).join(', ');
  const related = f.related.length ? `<h4>Related</h4><ul class="related">${f.related.slice(0, 12).map((r) => `<li><code>${esc(formatLocation(r))}</code>${r.note ? ` — ${esc(r.note)}` : ''}</li>`).join('')}${f.related.length > 12 ? `<li>… and ${f.related.length - 12} more</li>` : ''}</ul>` : '';
  const chain = f.parts?.length ? `<h4>Chain</h4><ol>${f.parts.map((id) => `<li>${findingRef(id)} ${esc(byId.get(id)?.title ?? '')}</li>`).join('')}</ol>` : '';
  const partOf = f.partOf ? `<p>Part of ${findingRef(f.partOf)} (scored there).</p>` : '';
  const triage = f.triage ? `<p class="triage"><b>${esc(f.status)}</b>: ${esc(f.triage.reason)}${f.triage.until ? ` (until ${esc(f.triage.until)})` : ''}</p>` : '';
  return `<details class="finding sev-${f.severity}${f.status === 'open' ? '' : ' triaged'}" id="finding-${esc(f.id)}">
<summary><span class="pill sev-${f.severity}">${esc(f.severity)}</span> <code class="id">${esc(f.id)}</code> <span class="title">${esc(f.title)}</span> <span class="loc">${esc(formatLocation(f.location))}</span>${f.status === 'open' ? '' : ` <span class="pill status">${esc(f.status)}</span>`}</summary>
<div class="body">
<p class="message">${inline(f.message)}</p>
<p class="facts">Priority ${esc(f.priority)} · confidence ${esc(f.confidence)} · ${esc(hours(f.effortHours))} · category ${esc(f.category)}${cwe ? ` · ${cwe}` : ''} · rule <a href="${esc(f.docsUrl)}" rel="noopener noreferrer"><code>${esc(f.ruleId)}</code></a>${planItem ? ` · plan <b>${esc(planItem)}</b>` : ''}</p>
${triage}
<h4>Evidence <code>${esc(formatLocation(f.location))}</code></h4>
${f.location.snippet ? `<pre class="snippet"><code>${esc(f.location.snippet)}</code></pre>` : ''}
${chain}${partOf}${related}
<h4>Impact</h4><div class="md">${markdownToHtml(f.risk)}</div>
<h4>Fix</h4><div class="md">${markdownToHtml(f.fix)}</div>
<p class="muted">fingerprint <code>${esc(f.fingerprint)}</code></p>
</div>
</details>`;
}

function routesSection(report: AuditReport): string {
  if (!report.routes.length) return '';
  const withControls = report.routes.some((r) => r.controls);
  const head = withControls ? ROUTE_CONTROL_COLUMNS.map((c) => `<th>${esc(c.label)}</th>`).join('') : '<th>Guards</th>';
  const rows = report.routes
    .map((r) => {
      const cells = withControls
        ? ROUTE_CONTROL_COLUMNS.map(({ key }) => {
            const c = r.controls?.[key];
            if (!c) return '<td class="ctl unknown">?</td>';
            const title = [c.state, c.note].filter(Boolean).join(': ');
            return `<td class="ctl ${c.state === 'n/a' ? 'na' : c.state}" title="${esc(title)}">${CONTROL_TEXT[c.state]}${c.finding ? ` ${findingRef(c.finding)}` : ''}</td>`;
          }).join('')
        : `<td>${r.guards.length ? esc(r.guards.map((g) => g.name).join(', ')) : '✗ none'}</td>`;
      return `<tr><td>${esc(r.method)}</td><td><code>${esc(r.path)}</code></td><td><code>${esc(r.handler)}</code><br><span class="muted">${esc(`${r.file}:${r.line}`)}</span></td>${cells}</tr>`;
    })
    .join('');
  return `<section id="routes"><h2>Route control matrix</h2><p class="muted">${report.summary.routes.guarded} of ${report.summary.routes.total} routes require authentication. ✓ has the control · ✗ lacks it · ? cannot be told from the code · – not needed.</p><div class="scroll"><table class="routes"><thead><tr><th>Method</th><th>Path</th><th>Handler</th>${head}</tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function planSection(report: AuditReport): string {
  const plan = report.plan;
  if (!plan) return '';
  const cut = new Set(plan.minimumCutToGo.items);
  const phases = plan.phases
    .map((p, i) => {
      const weeks = p.startWeek === p.endWeek ? `week ${p.startWeek}` : `weeks ${p.startWeek}–${p.endWeek}`;
      const items = p.items
        .map((item) => `<li${cut.has(item.id) ? ' class="in-cut"' : ''}><code>${esc(item.id)}</code> ${esc(item.title)} — <b>${esc(hours(item.hours))}</b> <span class="muted">closes ${item.findings.slice(0, 5).map((id) => findingRef(id)).join(' ')}${item.findings.length > 5 ? ` +${item.findings.length - 5}` : ''}</span></li>`)
        .join('');
      return `<div class="card"><h3>Phase ${i + 1}: ${esc(p.name)} <span class="muted">(${weeks}, ${esc(hours(p.hours))})</span></h3><ul class="items">${items}</ul><p class="muted">After this phase: ${p.after.score}/100 (${esc(p.after.grade)}), ${esc(p.after.verdict)}</p></div>`;
    })
    .join('');
  const t = plan.timeline;
  return `<section id="plan"><h2>Action plan</h2>
<p>Minimum viable production: <b>${esc(weeksText(t.minimumViableRange))}</b> (${esc(hours(plan.minimumCutToGo.hours))}); full readiness: <b>${esc(weeksText(t.fullReadinessRange))}</b> (${esc(hours(t.totalHours))}) for ${plan.team.size} engineer${plan.team.size === 1 ? '' : 's'} × ${plan.team.hoursPerWeek} h/week. Items in the minimum cut to GO are marked ★.</p>
<div class="cards">${phases || '<p class="muted">Nothing to plan: no open findings.</p>'}</div></section>`;
}

function extrasSection(report: AuditReport): string {
  const parts: string[] = [];
  if (report.strengths?.length)
    parts.push(`<div class="card"><h3>Positive aspects</h3><ul>${report.strengths.map((s) => `<li><b>${esc(s.title)}</b> — ${esc(s.detail)}</li>`).join('')}</ul></div>`);
  if (report.claims?.length)
    parts.push(`<div class="card"><h3>Claims vs reality</h3><table><thead><tr><th>Claim</th><th>Status</th><th>Why</th></tr></thead><tbody>${report.claims.map((c) => `<tr><td>${esc(c.claim)}<br><span class="muted">${esc(formatLocation(c.source))}</span></td><td><span class="status ${c.status === 'VERIFIED' ? 'pass' : c.status === 'CONTRADICTED' ? 'fail' : 'unknown'}">${esc(c.status)}</span></td><td>${esc(c.notes)}</td></tr>`).join('')}</tbody></table></div>`);
  if (report.hotspots?.length)
    parts.push(`<div class="card"><h3>Hotspots</h3><table><thead><tr><th>File</th><th>Lines</th><th>Error handling</th><th>Input validation</th><th>Security</th><th>Other</th><th>Total</th></tr></thead><tbody>${report.hotspots.map((h) => `<tr><td><code>${esc(h.file)}</code></td><td>${h.lines}</td><td>${h.errorHandling}</td><td>${h.inputValidation}</td><td>${h.security}</td><td>${h.other}</td><td>${h.total}</td></tr>`).join('')}</tbody></table></div>`);
  return parts.length ? `<section id="more"><h2>More</h2><div class="cards">${parts.join('')}</div></section>` : '';
}

function footer(report: AuditReport): string {
  const skipped = report.skipped.length ? `${report.skipped.length} paths skipped (${esc(report.skipped.slice(0, 3).map((s) => `${s.file}: ${s.reason}`).join('; '))}${report.skipped.length > 3 ? '; …' : ''}). ` : '';
  const diagnostics = report.diagnostics.length ? `${report.diagnostics.length} diagnostics. ` : '';
  return `<footer><p>${skipped}${diagnostics}Generated by shipgate ${esc(report.tool.version)} from the code, configuration and git metadata of the repository; secret values are redacted. The same code gives the same report.</p></footer>`;
}

// ── Helpers ─────────────────────────────────────────────────────────────────

function findingRef(id: string): string {
  return `<a class="ref" href="#finding-${esc(id)}" data-open="${esc(id)}">${esc(id)}</a>`;
}

/** What the filter script needs per finding; the searchable text is lower-cased once here. */
function filterData(report: AuditReport) {
  return {
    findings: report.findings.map((f) => ({
      id: f.id,
      severity: f.severity,
      category: f.category,
      ruleId: f.ruleId,
      status: f.status,
      text: `${f.id} ${f.ruleId} ${f.title} ${f.message} ${formatLocation(f.location)}`.toLowerCase(),
    })),
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

const STYLE = `
:root{--fg:#101828;--muted:#667085;--line:#eaecf0;--bg:#fff;--card:#f9fafb;--go:#12805c;--cond:#b08800;--nogo:#b42318}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header.top,section,footer{max-width:1180px;margin:0 auto;padding:16px 24px}
h1{font-size:26px;margin:8px 0 4px}h1 .target{color:var(--muted);font-weight:500}
h2{font-size:20px;border-bottom:1px solid var(--line);padding-bottom:6px}
h3{font-size:16px;margin:4px 0 8px}h4{font-size:14px;margin:14px 0 4px}
nav a{margin-right:16px;color:#1c64b8;text-decoration:none}
.meta,.muted{color:var(--muted)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
pre{background:#0f172a;color:#e2e8f0;padding:10px 12px;border-radius:6px;overflow:auto;white-space:pre}
.hero{display:grid;grid-template-columns:2fr 1fr 1fr 2fr;gap:14px;align-items:stretch}
.hero>div{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px;display:flex;flex-direction:column;gap:4px}
.hero .cut{grid-column:1/-1}
.label{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.verdict strong{font-size:30px}
.verdict-nogo .verdict{border-left:6px solid var(--nogo)}.verdict-nogo .verdict strong{color:var(--nogo)}
.verdict-conditional .verdict{border-left:6px solid var(--cond)}.verdict-conditional .verdict strong{color:var(--cond)}
.verdict-go .verdict{border-left:6px solid var(--go)}.verdict-go .verdict strong{color:var(--go)}
.grade strong{font-size:34px}
.counts div{display:flex;flex-wrap:wrap;gap:6px}
button.count{border:1px solid var(--line);background:#fff;border-radius:999px;padding:3px 10px;cursor:pointer;font:inherit}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px}
figcaption{font-weight:600;margin-bottom:6px}
svg text{font-size:12px;fill:var(--fg)}svg .axis{fill:var(--muted)}svg .value{font-weight:600}
svg .grid{stroke:var(--line)}svg .line{fill:none;stroke:#1c64b8;stroke-width:2}svg .point{fill:#1c64b8}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:14px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px;overflow:auto}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{font-size:12px;text-transform:uppercase;color:var(--muted)}
.status{font-size:12px;font-weight:700;padding:1px 8px;border-radius:999px;white-space:nowrap}
.status.pass{background:#e7f6ee;color:var(--go)}.status.fail{background:#fdecea;color:var(--nogo)}.status.partial{background:#fff6d6;color:#8a6a00}
.status.unknown,.status.na{background:#f2f4f7;color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:end;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px 12px;margin-bottom:10px}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
.filters select,.filters input{font:inherit;padding:4px 6px;border:1px solid #d0d5dd;border-radius:6px;min-width:130px}
.filters .search input{min-width:240px}
.finding{border:1px solid var(--line);border-left:5px solid #d0d5dd;border-radius:8px;margin:6px 0;background:#fff}
.finding summary{cursor:pointer;padding:8px 12px;list-style-position:inside}
.finding .body{padding:0 14px 10px}
.finding.triaged{opacity:.75}
.ref{white-space:nowrap}
.finding .loc{color:var(--muted);font-family:ui-monospace,Menlo,monospace;font-size:12px}
.pill{font-size:11px;font-weight:700;text-transform:uppercase;padding:1px 7px;border-radius:999px;color:#fff;background:#667085}
${SEVERITIES.map((s) => `.pill.sev-${s}{background:${SEVERITY_COLOUR[s]}}.finding.sev-${s}{border-left-color:${SEVERITY_COLOUR[s]}}button.count.sev-${s} b{color:${SEVERITY_COLOUR[s]}}`).join('\n')}
.ctl{text-align:center;white-space:nowrap}.ctl.yes{color:var(--go)}.ctl.no{color:var(--nogo);font-weight:700}.ctl.unknown,.ctl.na{color:var(--muted)}
.scroll{overflow:auto}
ul.items{padding-left:18px}ul.items li.in-cut::marker{content:"★ "}
.md p{margin:6px 0}
footer{color:var(--muted);font-size:13px;border-top:1px solid var(--line);margin-top:24px}
@media (max-width:900px){.hero,.charts{grid-template-columns:1fr}.cards{grid-template-columns:1fr}}
@media print{nav,.filters{display:none}details.finding{break-inside:avoid}details.finding>.body{display:block}}
`;

/** The page's only script: filters the findings (severity, category, rule, status, text) and opens linked findings. */
const SCRIPT = `(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("shipgate-data").textContent);
  var byId = function (id) { return document.getElementById(id); };
  var controls = { severity: byId("f-severity"), category: byId("f-category"), ruleId: byId("f-rule"), status: byId("f-status") };
  var text = byId("f-text");
  var count = byId("f-count");
  var none = byId("no-match");
  function apply() {
    var query = text.value.trim().toLowerCase();
    var shown = 0;
    data.findings.forEach(function (f) {
      var el = byId("finding-" + f.id);
      if (!el) return;
      var ok = Object.keys(controls).every(function (k) { return !controls[k].value || f[k] === controls[k].value; });
      if (ok && query) ok = query.split(/\\s+/).every(function (word) { return f.text.indexOf(word) !== -1; });
      el.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + " of " + data.findings.length + " findings";
    none.hidden = shown > 0 || data.findings.length === 0;
  }
  byId("filters").addEventListener("submit", function (event) { event.preventDefault(); });
  Object.keys(controls).forEach(function (k) { controls[k].addEventListener("change", apply); });
  text.addEventListener("input", apply);
  byId("f-reset").addEventListener("click", function () {
    Object.keys(controls).forEach(function (k) { controls[k].value = ""; });
    text.value = "";
    apply();
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-severity]"), function (button) {
    button.addEventListener("click", function () {
      controls.severity.value = button.getAttribute("data-filter-severity");
      controls.status.value = data.findings.some(function (f) { return f.status === "open"; }) ? "open" : "";
      apply();
      byId("findings").scrollIntoView();
    });
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-open]") : null;
    if (!link) return;
    var target = byId("finding-" + link.getAttribute("data-open"));
    if (target) { target.hidden = false; target.open = true; }
  });
  apply();
})();`;
