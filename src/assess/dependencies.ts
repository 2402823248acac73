/**
 * Dependencies: the four rows of the dependency table (Lockfiles, Version Pinning, Dependency
 * Updates, Known Vulnerabilities) from the dependency facts, the update-bot configuration, the
 * CI audit steps and the advisories loaded for this audit, plus the `report.dependencies` section.
 * Known Vulnerabilities is UNKNOWN unless --osv-db or --online supplied advisories — never a PASS
 * from an absence of data.
 */
import { ciDependencyAudits, type CiToolRun } from '../facts/ci-pipelines.ts';
import { lockableManifests } from '../facts/dependencies.ts';
import { operationsOf } from '../facts/operations/index.ts';
import { botCovers, findUpdateBots } from '../facts/update-bots.ts';
import { vulnerabilityFacts } from '../facts/vulnerabilities.ts';
import type { DependencyAssessment, ScorecardEntry } from '../model/audit-report.ts';
import type { Dependency, DependencyManifest } from '../model/repo-index.ts';
import type { Assessment, AssessmentInput } from './index.ts';
import { listSome, locationOf, openFindings, plural, scorecardRow } from './rows.ts';

const RULES = {
  lockfile: 'dependency-lockfile-missing',
  unpinned: 'dependency-version-unpinned',
  bot: 'dependency-update-bot-missing',
  vulnerable: 'dependency-known-vulnerability',
};
const MAX_LISTED = 50;

export const HOW_TO_CHECK_VULNERABILITIES =
  'run `shipgate audit --online` (asks the OSV API about the installed versions), or `shipgate audit --osv-db DIR` with an unpacked osv.dev export for offline use (https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip, …/PyPI/all.zip)';

export const dependencyAssessment: Assessment = {
  name: 'dependencies',
  run(input, result) {
    const { index, files } = input;
    const manifests = index.manifests;
    const judged = judgedManifests(manifests, lockableManifests(index));
    const bots = findUpdateBots(files);
    const audits = ciDependencyAudits(operationsOf(index, files).ci);
    const vulns = vulnerabilityFacts(index);
    const unpinned = index.dependencies.filter((d) => judged.some((m) => m.file === d.manifest) && isUnpinned(d));
    const rows: ScorecardEntry[] = [
      lockfilesRow(input, judged),
      pinningRow(input, judged, unpinned),
      updatesRow(input, manifests, bots, audits),
      vulnerabilitiesRow(input, vulns, audits),
    ];
    (result.scorecards.dependencies ??= []).push(...rows);

    const bot = bots.find((b) => b.name === 'dependabot' || b.name === 'renovate');
    const section: DependencyAssessment = {
      manifests: manifests.map((m) => ({ file: m.file, ecosystem: m.ecosystem, dependencies: m.dependencies, lockfile: m.lockfile, manager: m.manager, selfPinned: m.selfPinned })),
      unpinned: unpinned.slice(0, MAX_LISTED).map((d) => ({ name: d.name, spec: d.spec, file: d.manifest, ...(d.line ? { line: d.line } : {}) })),
      updateBot: bot ? { name: bot.name as 'dependabot' | 'renovate', file: bot.file } : null,
      vulnerable: vulns.vulnerable.map((v) => ({
        name: v.name,
        version: v.version,
        ecosystem: v.ecosystem,
        advisories: v.advisories.map((a) => ({ id: a.ids[0], summary: a.summary, severity: a.severity, ...(a.fixedIn ? { fixedIn: a.fixedIn } : {}), aliases: a.ids.slice(1), ...(a.url ? { url: a.url } : {}) })),
        file: v.declaredAt?.file ?? v.installedAt.file,
        ...((v.declaredAt?.line ?? v.installedAt.line) ? { line: v.declaredAt?.line ?? v.installedAt.line } : {}),
        direct: v.direct,
        dev: v.dev,
        upgrade: v.upgrade,
      })),
      advisorySource: { kind: index.advisories.source.kind, detail: index.advisories.source.detail, ...(index.advisories.source.error ? { error: index.advisories.source.error } : {}) },
      packagesChecked: vulns.checkedPackages,
      unresolved: vulns.unresolved.slice(0, MAX_LISTED).map((d) => ({ name: d.name, spec: d.spec, file: d.manifest, ...(d.line ? { line: d.line } : {}) })),
      ciAudits: audits.map((a) => ({ tool: a.tool, file: a.file, line: a.line })),
    };
    result.sections.dependencies = section;

    if (judged.length && judged.every((m) => m.lockfile || m.selfPinned) && judged.some((m) => m.lockfile && !/requirements|constraints/.test(m.lockfile)))
      result.strengths.push({
        title: 'Dependencies locked',
        detail: `every manifest is pinned by a committed lockfile or exact pins (${listSome([...new Set(judged.map((m) => m.lockfile ?? m.file))].map((f) => `\`${f}\``))})`,
        area: 'security',
        evidence: judged.map((m) => locationOf(m.lockfile ?? m.file)),
      });
    if (bot && manifests.every((m) => bots.some((b) => botCovers(b, m.ecosystem))))
      result.strengths.push({ title: 'Automated dependency updates', detail: `${bot.name === 'dependabot' ? 'Dependabot' : 'Renovate'} keeps every ecosystem in use up to date (${bot.file})`, area: 'security', evidence: [locationOf(bot.file, bot.line)] });
    if (vulns.checked && vulns.checkedPackages > 0 && !vulns.vulnerable.length)
      result.strengths.push({ title: 'No known vulnerable dependencies', detail: `${plural(vulns.checkedPackages, 'installed package version')} checked against ${index.advisories.source.kind === 'osv-api' ? 'the OSV API' : 'the OSV database'}: none affected`, area: 'security', evidence: [] });
  },
};

/** The manifests each row judges: the ones a lockfile applies to, and requirements files (their own lock when pinned). */
function judgedManifests(manifests: DependencyManifest[], lockable: DependencyManifest[]): DependencyManifest[] {
  const lockableFiles = new Set(lockable.map((m) => m.file));
  return manifests.filter((m) => lockableFiles.has(m.file) || !/(^|\/)(pyproject\.toml|Pipfile|package\.json)$/.test(m.file));
}

function isUnpinned(d: Dependency): boolean {
  if (d.resolved || d.constraint === 'local' || d.constraint === 'exact') return false;
  if (d.constraint === 'url') return !/@[0-9a-f]{7,40}(#|$)|#[0-9a-f]{40}|@v?\d+(\.\d+)*(#|$)/i.test(d.spec);
  return true;
}

function lockfilesRow(input: AssessmentInput, judged: DependencyManifest[]): ScorecardEntry {
  const name = 'Lockfiles';
  const rules = [RULES.lockfile];
  if (!judged.length) return scorecardRow(name, 'N/A', 'no dependency manifests', { rules });
  const locked = judged.filter((m) => m.lockfile || m.selfPinned);
  const open = judged.filter((m) => !m.lockfile && !m.selfPinned);
  const findings = [
    ...openFindings(input, [RULES.lockfile]),
    // A requirements file is its own lock: its unpinned lines are why it is not one.
    ...openFindings(input, [RULES.unpinned], (f) => open.some((m) => m.file === f.location.file && /requirements|constraints/.test(m.file))),
  ];
  const describe = (m: DependencyManifest) =>
    m.selfPinned ? `\`${m.file}\` (exact pins${/pip-tools/.test(m.manager) ? ', compiled' : ''})` : m.lockfile ? `\`${m.file}\` → \`${m.lockfile}\`` : `\`${m.file}\``;
  const evidence = locked.map((m) => locationOf(m.lockfile ?? m.file, undefined, m.lockfile ? `pins ${m.file}` : 'pins its own dependencies'));
  const uncommitted = openFindings(input, [RULES.lockfile], (f) => f.messageId === 'lockfileNotCommitted');
  if (!open.length && !uncommitted.length) return scorecardRow(name, 'PASS', `${plural(locked.length, 'manifest')} pinned: ${listSome(locked.map(describe), 4)}`, { rules, evidence });
  const notes = [
    open.length ? `${plural(open.length, 'manifest')} with no lockfile or pins: ${listSome(open.map((m) => `\`${m.file}\``))}` : '',
    uncommitted.length ? `${plural(uncommitted.length, 'lockfile')} not committed` : '',
    locked.length ? `pinned: ${listSome(locked.map(describe))}` : '',
  ].filter(Boolean);
  const committed = locked.filter((m) => !uncommitted.some((f) => f.location.file === m.file));
  return scorecardRow(name, committed.length ? 'PARTIAL' : 'FAIL', notes.join('; '), { rules: [...rules, RULES.unpinned], findings, evidence });
}

function pinningRow(input: AssessmentInput, judged: DependencyManifest[], unpinned: Dependency[]): ScorecardEntry {
  const name = 'Version Pinning';
  const rules = [RULES.unpinned];
  const deps = input.index.dependencies.filter((d) => judged.some((m) => m.file === d.manifest));
  if (!deps.length) return scorecardRow(name, 'N/A', 'no declared dependencies', { rules });
  const findings = openFindings(input, [RULES.unpinned, RULES.lockfile], (f) => f.messageId !== 'lockfileNotCommitted');
  const pinned = deps.length - unpinned.length;
  if (!unpinned.length) return scorecardRow(name, 'PASS', `all ${plural(deps.length, 'declared dependency', 'declared dependencies')} resolve to one version (lockfile or exact pin)`, { rules });
  const runtime = unpinned.filter((d) => !d.dev);
  const examples = listSome(unpinned.map((d) => `\`${d.name}${d.spec && !d.spec.startsWith('@') ? ` ${d.spec}` : d.spec ? '' : ' (no version)'}\``));
  const status = runtime.length * 2 > deps.length ? 'FAIL' : 'PARTIAL';
  return scorecardRow(name, status, `${unpinned.length} of ${deps.length} dependencies resolve afresh at every install (${examples}); ${pinned} pinned`, {
    rules: [...rules, RULES.lockfile],
    findings,
    evidence: unpinned.map((d) => locationOf(d.manifest, d.line)),
  });
}

function updatesRow(input: AssessmentInput, manifests: DependencyManifest[], bots: ReturnType<typeof findUpdateBots>, audits: CiToolRun[]): ScorecardEntry {
  const name = 'Dependency Updates';
  const rules = [RULES.bot];
  if (!manifests.length) return scorecardRow(name, 'N/A', 'no dependency manifests', { rules });
  const ecosystems = [...new Set(manifests.map((m) => m.ecosystem))].sort();
  const covered = ecosystems.filter((e) => bots.some((b) => botCovers(b, e)));
  const findings = openFindings(input, rules);
  const botEvidence = bots.map((b) => locationOf(b.file, b.line));
  const auditEvidence = audits.map((a) => locationOf(a.file, a.line, `CI runs ${a.tool}`));
  const label = (e: string) => (e === 'pypi' ? 'pip' : e);
  if (covered.length === ecosystems.length)
    return scorecardRow(name, 'PASS', `${listSome(bots.map((b) => `${b.name === 'dependabot' ? 'Dependabot' : b.name === 'renovate' ? 'Renovate' : b.name} (\`${b.file}\`)`))} covers ${ecosystems.map(label).join(' and ')}`, { rules, evidence: botEvidence });
  const auditNote = audits.length ? `; CI checks them for advisories (${listSome([...new Set(audits.map((a) => a.tool))])})` : '';
  if (covered.length)
    return scorecardRow(name, 'PARTIAL', `update bot covers ${covered.map(label).join(', ')} but not ${ecosystems.filter((e) => !covered.includes(e)).map(label).join(', ')}${auditNote}`, { rules, findings, evidence: [...botEvidence, ...auditEvidence] });
  if (audits.length) return scorecardRow(name, 'PARTIAL', `no Dependabot or Renovate configuration${auditNote}, but nothing opens upgrades`, { rules, findings, evidence: auditEvidence });
  return scorecardRow(name, 'FAIL', 'no Dependabot or Renovate configuration and no dependency audit in CI', { rules, findings });
}

function vulnerabilitiesRow(input: AssessmentInput, vulns: ReturnType<typeof vulnerabilityFacts>, audits: CiToolRun[]): ScorecardEntry {
  const name = 'Known Vulnerabilities';
  const rules = [RULES.vulnerable];
  const { index } = input;
  if (!index.manifests.length && !index.packages.length) return scorecardRow(name, 'N/A', 'no dependency manifests', { rules });
  const source = index.advisories.source;
  const auditEvidence = audits.map((a) => locationOf(a.file, a.line, `CI runs ${a.tool}`));
  const ciNote = audits.length ? `; CI runs ${listSome([...new Set(audits.map((a) => a.tool))])}, whose result the repository does not record` : '';
  if (source.kind === 'none') return scorecardRow(name, 'UNKNOWN', `not checked: no advisory database was given${ciNote}`, { rules, evidence: auditEvidence, howToKnow: HOW_TO_CHECK_VULNERABILITIES });
  if (source.error)
    return scorecardRow(name, 'UNKNOWN', `not checked: ${source.error}${ciNote}`, { rules, evidence: auditEvidence, howToKnow: source.kind === 'osv-api' ? `retry with network access, or ${HOW_TO_CHECK_VULNERABILITIES}` : HOW_TO_CHECK_VULNERABILITIES });
  const from = source.kind === 'osv-api' ? 'the OSV API' : `the OSV folder ${source.detail}`;
  const unresolvedNote = vulns.unresolved.length ? `; ${plural(vulns.unresolved.length, 'dependency', 'dependencies')} declared as a range with no lockfile could not be checked (${listSome(vulns.unresolved.map((d) => `\`${d.name}\``))})` : '';
  if (!vulns.checkedPackages)
    return scorecardRow(name, 'UNKNOWN', `no installed version can be told (no lockfile or exact pins)${unresolvedNote}`, { rules, howToKnow: 'commit a lockfile (or pin exact versions), then run the audit with --osv-db or --online' });
  if (!vulns.vulnerable.length) return scorecardRow(name, 'PASS', `${plural(vulns.checkedPackages, 'installed package version')} checked against ${from}: none affected${unresolvedNote}`, { rules });
  const findings = openFindings(input, rules);
  const severe = findings.some((f) => f.severity === 'critical' || f.severity === 'high');
  const listed = vulns.vulnerable.map((v) => `\`${v.name}@${v.version}\` (${v.advisories.map((a) => a.ids[0]).slice(0, 2).join(', ')}${v.advisories.length > 2 ? ', …' : ''})`);
  return scorecardRow(name, severe ? 'FAIL' : 'PARTIAL', `${plural(vulns.vulnerable.length, 'vulnerable package')} of ${vulns.checkedPackages} checked against ${from}: ${listSome(listed)}${unresolvedNote}`, {
    rules,
    findings,
    evidence: vulns.vulnerable.map((v) => locationOf(v.declaredAt?.file ?? v.installedAt.file, v.declaredAt?.line ?? v.installedAt.line)),
  });
}
