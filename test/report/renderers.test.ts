/**
 * Every reporter on a hand-built report with every section (test/support/sample-report.ts):
 * each section renders when present and is left out when absent, numbers link to their evidence,
 * and hostile repository text stays inert in every format.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FORMATS, PLANNED_FORMATS } from '../../src/report/index.ts';
import { escapeMd, code } from '../../src/report/markdown-text.ts';
import { esc, jsonForScript, markdownToHtml } from '../../src/report/html-text.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderPlan } from '../../src/report/plan.ts';
import { renderTodo } from '../../src/report/todo.ts';
import { renderYaml } from '../../src/report/yaml.ts';
import { renderJson } from '../../src/report/json.ts';
import { renderSarif } from '../../src/report/sarif.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderTerminal } from '../../src/report/terminal.ts';
import { HOSTILE_SNIPPET, minimalReport, sampleReport } from '../support/sample-report.ts';

const report = sampleReport();

describe('format registry', () => {
  it('offers every format of the CLI contract, none planned, each with its own file name (the TODO list\'s contains "todo")', () => {
    expect(Object.keys(FORMATS)).toEqual(['md', 'plan', 'todo', 'yaml', 'json', 'sarif', 'html', 'summary']);
    expect(PLANNED_FORMATS).toEqual([]);
    expect(new Set(Object.values(FORMATS).map((f) => f.fileName)).size).toBe(8);
    expect(FORMATS.todo.fileName).toContain('todo');
  });
  it('renders the same bytes twice', () => {
    for (const format of Object.values(FORMATS)) expect(format.render(sampleReport()), format.name).toBe(format.render(report));
  });
});

describe('audit report (md)', () => {
  const md = renderMarkdown(report);
  it('has the sections of the reference audit, in order', () => {
    const headings = [
      '# Production Readiness Audit Summary',
      '## Executive Summary',
      '### Key Findings',
      '## 📈 Progress Since the Last Audit',
      '## 🚨 Critical Issues (2) - BLOCKING DEPLOYMENT',
      '## ⚠️ High Priority Issues (5)',
      '## Other Findings (3)',
      '## 🔒 Security Audit Scorecard',
      '## 🏗️ Infrastructure Assessment',
      '## 📚 Documentation',
      '## 🧪 Testing Assessment',
      '## 📦 Dependencies',
      '## 📋 HIPAA Compliance Assessment',
      '## 🛣️ Route Control Matrix (2 routes)',
      '## 🔥 Hotspots (1 files)',
      '## 🔍 Reality vs Claims',
      '## ⏱️ Timeline to Production',
      '## 🎯 Immediate Action Items (This Week)',
      '## ✅ Positive Aspects',
      '## 📊 Detailed Metrics',
      '## 🎬 Final Verdict',
      '### Minimum Requirements for GO Decision',
      '## 📞 Next Steps',
      '## Triaged Findings (2, not scored)',
      '## 📄 Scope of This Audit',
    ];
    let at = -1;
    for (const h of headings) {
      const next = `\n${md}`.indexOf(`\n${h}`, at + 1);
      expect(next, `${h} missing or out of order`).toBeGreaterThan(at);
      at = next;
    }
  });
  it('gives every finding an anchor and links numbers to them', () => {
    for (const f of report.findings) expect(md).toContain(`<a id="${f.id.toLowerCase()}"></a>`);
    expect(md).toContain('[2 critical issues](#critical-issues)');
    expect(md).toContain('[CRIT-002](#crit-002)');
    // Scorecard rows link the findings behind them; plan items link into the plan document.
    expect(md).toMatch(/\| Authentication \| ❌ FAIL \| .* \| \[HIGH-001\]\(#high-001\), \[HIGH-003\]\(#high-003\) \|/);
    expect(md).toMatch(/\[FIX-\d{3}\]\(shipgate-action-plan\.md#fix-\d{3}\)/);
  });
  it('shows the chain of a compound finding and points its parts to it', () => {
    expect(md).toContain('**Chain** (one attack path; its parts are scored through this finding):');
    expect(md).toMatch(/1\. \[HIGH-002\]\(#high-002\) Debug mode enabled/);
    expect(md).toContain('**Part of:** [CRIT-001](#crit-001) (scored there, not separately)');
  });
  it('reports progress since the last audit with the grade trend', () => {
    expect(md).toContain(`**Trend:** F → F → ${report.summary.grade} (3 audits)`);
    expect(md).toContain('- ✅ **Fixed:** 1 — Hard-coded secret (`app/settings.py:4`)');
    expect(md).toContain('- 🔁 **Regressed** (fixed before, back now): 1 — [MED-002](#med-002)');
    expect(md).toContain('- 🗂️ **Triaged since:** 1 — [LOW-002](#low-002)');
    expect(md).toContain('- ↩️ **Reopened** (their triage ended): 1 — [LOW-001](#low-001)');
    expect(md).toContain('- Container image unpinned (`deploy/compose.prod.yml:3`) — deploy/compose.prod.yml was skipped (larger than maxFileSizeKb)');
  });
  it('lists expired and unused triage so a stale ignore is not a blind spot', () => {
    expect(md).toContain('- ⏰ **Expired:** [LOW-001](#low-001) (`security-headers-missing`) was accepted until 2031-02-01 — open again (CDN sets them)');
    expect(md).toContain('- 🧹 **Unused shipgate-ignore:** `app/old.py:9` (`sql-string-interpolation`) — no sql-string-interpolation finding on this line or the next');
  });
  it('says what a change adds when audited against a baseline or a ref', () => {
    const scoped = sampleReport();
    scoped.scope = {
      baseline: { file: 'main.json', findings: 10, date: '2031-03-01T00:00:00.000Z' },
      new: ['HIGH-005'],
      counts: { critical: 0, high: 1, medium: 0, low: 0, info: 0 },
      existing: 9,
      fixed: [],
    };
    expect(renderMarkdown(scoped)).toContain(
      '### What This Change Adds\n\nCompared with the baseline `main.json` (10 findings, 2031-03-01): 1 new finding ([HIGH-005](#high-005)), open: 1 high; 9 existing findings listed below but not counted by the gate; 0 baseline findings no longer found.',
    );
    const sarif = JSON.parse(renderSarif(scoped));
    const states = Object.fromEntries(sarif.runs[0].results.map((r: { properties: { id: string }; baselineState: string }) => [r.properties.id, r.baselineState]));
    expect(states['HIGH-005']).toBe('new');
    expect(states['CRIT-001']).toBe('unchanged');
  });
  it('states the minimum requirements for GO from the plan, with hours and the re-scored verdict', () => {
    const cut = report.plan!.minimumCutToGo;
    expect(cut.items.length).toBeGreaterThan(0);
    for (const id of cut.items) expect(md).toContain(`- [ ] [${id}](shipgate-action-plan.md#${id.toLowerCase()})`);
    expect(md).toContain(`**After these:** ${cut.after.score}/100 (grade ${cut.after.grade})`);
  });
  it('renders the route control matrix with linked findings and UNKNOWN rows with how to know', () => {
    expect(md).toMatch(/\| POST \| `\/admin\/reset` \| `reset` \(`app\/routes\/admin\.py:10`\) \| ❌ \[HIGH-001\]\(#high-001\) \|/);
    expect(md).toContain('| Backup/Restore | ❔ UNKNOWN | Backups are a provider setting | to know: check the database provider\'s backup settings |');
    expect(md).toContain('**Test Coverage:** **unknown** — no coverage report in the repository; produce one with `pytest --cov=app --cov-report=xml`');
  });
  it('keeps hostile text inert: no raw HTML outside code, fences and spans that cannot be broken', () => {
    // Outside fences and code spans, the only HTML is the document's own anchors.
    const prose = md
      .replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '')
      .replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, '')
      .replace(/<a id="[a-z0-9-]+"><\/a>/g, '');
    expect(prose).not.toMatch(/<[a-z!/]/i);
    expect(md).not.toContain('<b>production</b>');
    expect(md).toContain('&lt;b&gt;production&lt;/b&gt;');
    expect(md).toContain('**sample &lt;app&gt; | "quoted"**');
    // The snippet is inside a fence longer than any backtick run in it.
    expect(md).toContain(`\`\`\`python\n${HOSTILE_SNIPPET}\n\`\`\``);
    // In a table the route path keeps its pipes escaped and its HTML in a code span.
    expect(md).toContain('`/users/<script>alert(1)</script>`');
    for (const line of md.split('\n').filter((l) => l.startsWith('|'))) expect(line.split(/(?<!\\)\|/).length, line).toBeGreaterThan(2);
  });
  it('leaves out what the audit did not produce, and says what was not assessed', () => {
    const bare = renderMarkdown(minimalReport());
    for (const absent of ['Testing Assessment', 'Dependencies', 'Compliance Assessment', 'Hotspots', 'Reality vs Claims', 'Positive Aspects', 'Progress Since', 'Timeline to Production', 'Infrastructure Assessment'])
      expect(bare, absent).not.toContain(`## ${absent}`.replace('## ', ''));
    expect(bare).toContain('- **Not assessed in this audit:** testing, dependencies, compliance (HIPAA/GDPR), infrastructure, README claims.');
    expect(bare).toContain('Close (fix, or triage with a reason) every open critical finding:');
  });
  it('escapes Markdown helpers as documented', () => {
    expect(escapeMd('a <b> `c <d>` e')).toBe('a &lt;b&gt; `c <d>` e');
    expect(code('x`y')).toBe('`` x`y ``');
    expect(code('plain')).toBe('`plain`');
  });
});

describe('action plan (plan)', () => {
  const plan = renderPlan(report);
  it('has the minimum cut, phases with items, fixes with code, a schedule with week totals and success criteria', () => {
    expect(plan).toContain('## 🎯 Minimum Cut to GO');
    expect(plan).toMatch(/## 🚨 Phase 1: Critical Security Fixes \(Weeks? 1[–\d]* · [\d.]+ h\)/);
    expect(plan).toMatch(/### FIX-001: .+ \([\d.]+ (h|min)\)/);
    expect(plan).toContain('```python\nrouter = APIRouter(dependencies=[Depends(user)])\n```');
    expect(plan).toMatch(/\*\*Week 1 Total:\*\* [\d.]+ h/);
    expect(plan).toContain('## 🎯 Success Criteria');
    expect(plan).toMatch(/- \[ \] Re-audit: score \d+\/100/);
    expect(plan).toContain('## ⏱️ Timeline to Production');
  });
  it('states each grouped item once with the findings it closes, and says a fix only once per rule', () => {
    const auth = report.plan!.phases.flatMap((p) => p.items).find((i) => i.ruleId === 'route-missing-auth')!;
    expect(plan).toContain(`### ${auth.id}: Require authentication at the router (${auth.hours} h)`);
    expect(plan).toContain('**Routes:** `POST /admin/reset`, `DELETE /users/{id}`');
    expect(plan).toContain(`for one change to the application (${auth.ungroupedHours} h if each finding were fixed on its own)`);
    expect(plan.split('**Fix:**\n').length - 1).toBe(new Set(report.plan!.phases.flatMap((p) => p.items.map((i) => i.ruleId))).size);
  });
  it('says there is nothing to do when nothing is open, and that there is no plan when none was computed', () => {
    expect(renderPlan(minimalReport())).toContain('This audit carries no action plan.');
  });
});

describe('TODO list (todo)', () => {
  const todo = renderTodo(report);
  it('has P0–P3 sections with checkbox items: file, risk, fix and status', () => {
    for (const h of ['## P0 - Critical (Must fix before production)', '## P1 - High Priority (This Week)', '## P2 - Medium Priority (This Sprint)', '## P3 - Low Priority (Technical Debt)']) expect(todo).toContain(h);
    expect(todo).toMatch(/- \[ \] <a id="crit-002"><\/a>\*\*`SECRET_KEY` holds a hard-coded value .*\*\*\n {2}- ID: \[CRIT-002\]\(shipgate-audit\.md#crit-002\) · Rule: `hardcoded-secret` · Estimate: 1 h\n {2}- File: `app\/config\.py:12`\n {2}- Risk: Anyone can call it\.\n {2}- Fix: Add a guard\.\n {2}- Status: OPEN/);
  });
  it('checks FIXED items from the history and shows triaged ones with their reason', () => {
    expect(todo).toContain('- [x] **Hard-coded secret**\n  - File: `app/settings.py:4`\n  - Status: FIXED (no longer found; CRIT-004 open in the audit of 2031-02-25)');
    expect(todo).toContain('  - Status: OPEN (reopened: its triage ended)');
    expect(todo).toContain('## Not Re-checked in This Audit');
    expect(todo).toContain('  - Status: OPEN (not re-checked: deploy/compose.prod.yml was skipped (larger than maxFileSizeKb))');
    expect(todo).toContain('  - Status: ACCEPTED — Public directory by design (until 2031-01-01)');
    expect(todo).toContain("  - Status: FALSE POSITIVE — fixture value (inline shipgate-ignore)");
  });
  it('counts progress per priority and in total', () => {
    expect(todo).toContain('- [ ] P0 completed: 1/3 (33%) — 1 fixed');
    expect(todo).toContain('- [ ] P3 completed: 2/3 (67%) — 1 accepted, 1 false positive');
    expect(todo).toMatch(/\*\*Total: 3\/13 tasks completed \(23%\)\*\*/);
    expect(todo).toContain('| `app/routes/users.py` | 2 | 3 | 4 |');
  });
  it('marks a priority done with [x] when every item is closed', () => {
    const done = sampleReport();
    done.findings = done.findings.filter((f) => f.priority !== 'P0');
    expect(renderTodo(done)).toContain('- [x] P0 completed: 1/1 (100%) — 1 fixed');
  });
});

describe('YAML and JSON', () => {
  it('carry the same full detail', () => {
    const yaml = renderYaml(report);
    expect(yaml.startsWith('# shipgate 0.0.0-test production-readiness audit of sample <app> | "quoted"\n')).toBe(true);
    expect(parseYaml(yaml)).toEqual(JSON.parse(renderJson(report)));
  });
});

describe('SARIF', () => {
  const sarif = JSON.parse(renderSarif(report));
  const run = sarif.runs[0];
  it('describes every rule and links results to them by id and index', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([...report.rules.map((r) => r.id)].sort());
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'hardcoded-secret');
    expect(rule).toMatchObject({ name: 'HardcodedSecret', shortDescription: { text: 'Hard-coded secret' }, defaultConfiguration: { level: 'error' }, properties: { 'security-severity': '9.5', precision: 'high' } });
    expect(rule.properties.tags).toEqual(['security', 'external/cwe/cwe-306', 'owasp/A01:2021']);
    expect(rule.help.markdown).toContain('## How to fix');
    expect(rule.help.text).not.toContain('```');
  });
  it('gives each result its level, region, fingerprint, related locations, suppression and baseline state', () => {
    const byId = (id: string) => run.results.find((r: { properties: { id: string } }) => r.properties.id === id);
    expect(byId('CRIT-002')).toMatchObject({
      level: 'error',
      partialFingerprints: { 'shipgateFingerprint/v1': report.findings[1].fingerprint },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'app/config.py', uriBaseId: 'SRCROOT' }, region: { startLine: 12, startColumn: 5, endColumn: 40 }, contextRegion: { snippet: { text: 'SECRET_KEY = "sk-l…[redacted sha256:1a2b3c4d]"' } } } }],
      baselineState: 'unchanged',
    });
    expect(byId('CRIT-001').relatedLocations[1]).toMatchObject({ id: 2, message: { text: 'port 5000 published on all interfaces' } });
    expect(byId('LOW-002').suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'accepted: Public directory by design (until 2031-01-01)' }]);
    expect(byId('INFO-001').suppressions[0].kind).toBe('inSource');
    expect(byId('HIGH-005').baselineState).toBe('new');
    expect(byId('MED-001').level).toBe('warning');
    // File names are URI-encoded, never absolute.
    expect(byId('HIGH-002').locations[0].physicalLocation.artifactLocation.uri).toBe('api/%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E.py');
  });
});

describe('HTML', () => {
  const html = renderHtml(report);
  it('is one self-contained page: no external resource, a CSP that allows only its own script and style', () => {
    expect(html).not.toMatch(/<(link|img|iframe)\b/i);
    expect(html).not.toMatch(/\bsrc=["']?https?:/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[^;]+&#39;; script-src &#39;sha256-[^;]+&#39;; img-src data:;/);
    expect(html.match(/<script\b/g)).toHaveLength(2); // the JSON data block and the page script
  });
  it('escapes all repository text and embeds the data safely', () => {
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('</script><script>window.__pwned');
    expect(html).toContain('api/&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;.py');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;');
    expect(html).toContain('<code>/users/&lt;script&gt;alert(1)&lt;/script&gt;</code>');
    const data = /<script type="application\/json" id="shipgate-data">([\s\S]*?)<\/script>/.exec(html)![1];
    expect(data).not.toMatch(/[<>]/);
    expect(JSON.parse(data).findings).toHaveLength(report.findings.length);
    expect(jsonForScript({ a: '</script><!--\u2028\u2029&' })).toBe('{"a":"\\u003c/script\\u003e\\u003c!--\\u2028\\u2029\\u0026"}');
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
  it('renders the Markdown of rule texts with code blocks and escapes inside them', () => {
    expect(markdownToHtml('Do **this**: `a<b>`.\n\n```python\nx = "<script>"\n```\n- one\n- two')).toBe(
      '<p>Do <strong>this</strong>: <code>a&lt;b&gt;</code>.</p>\n<pre><code data-lang="python">x = &quot;&lt;script&gt;&quot;</code></pre>\n<ul><li>one</li><li>two</li></ul>',
    );
  });
  it('has the verdict up front, the charts, the filters, the matrix and the plan', () => {
    expect(html).toContain(`<strong id="verdict">${report.summary.verdict}</strong>`);
    expect(html).toContain('aria-label="Score trend: F to F to');
    for (const id of ['f-severity', 'f-category', 'f-rule', 'f-status', 'f-text', 'routes', 'plan', 'scorecards']) expect(html).toContain(`id="${id}"`);
  });
});

describe('terminal', () => {
  it('adds the minimum cut to GO and the report folder', () => {
    const text = renderTerminal(report, { color: false, written: ['out/shipgate-audit.md', 'out/shipgate-todo.md'] });
    const cut = report.plan!.minimumCutToGo;
    expect(text).toMatch(new RegExp(`To GO {5}${cut.items.length} changes, `));
    expect(text).toContain('Reports   out/: shipgate-audit.md, shipgate-todo.md');
  });
});
