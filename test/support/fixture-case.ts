/**
 * Annotated fixture cases (Semgrep style): `ruleid:`, `ok:`, `todoruleid:`, `todook:` comment
 * lines apply to the next line that is not an annotation. A case folder is copied to a temp
 * folder (JSON annotation lines stripped, line numbers mapped back), made a git repo with every
 * file tracked (unless it holds `.no-git`), and audited with only the rule under test.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type AnnotationKind = 'ruleid' | 'ok' | 'todoruleid' | 'todook';
export interface Expectation {
  kind: AnnotationKind;
  ruleIds: string[];
  file: string;
  /** Line in the audited copy; undefined for repo-level `.expect` entries. */
  line?: number;
}

/** Comment markers of the fixture languages: `#` (Python, YAML, shell, INI), `//` (JS, Java, Go, C#, PHP), `<!-- -->` (XML, HTML, Markdown), `--` (SQL) and `;` (INI), C block comments. An optional ` -- reason` says why. */
const ANNOTATION = /^\s*(?:#|\/\/|<!--|--|;|\/\*)\s*(todoruleid|todook|ruleid|ok):\s*([\w-]+(?:\s*,\s*[\w-]+)*)\s*(?:--\s.*?)?\s*(?:-->|\*\/)?\s*$/;

export function listCaseFiles(caseDir: string, relative = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(caseDir, relative), { withFileTypes: true })) {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listCaseFiles(caseDir, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

/** Parse annotations of one file's text. Returns expectations and the text to audit (JSON: annotation lines removed). */
export function parseAnnotations(file: string, text: string): { expectations: Expectation[]; auditedText: string } {
  const isJson = file.endsWith('.json');
  const lines = text.split('\n');
  const kept: string[] = [];
  const expectations: Expectation[] = [];
  let pending: { kind: AnnotationKind; ruleIds: string[] }[] = [];
  for (const line of lines) {
    const match = ANNOTATION.exec(line);
    if (match) {
      pending.push({ kind: match[1] as AnnotationKind, ruleIds: match[2].split(',').map((s) => s.trim()) });
      if (!isJson) kept.push(line);
      continue;
    }
    kept.push(line);
    for (const p of pending) expectations.push({ ...p, file, line: kept.length });
    pending = [];
  }
  return { expectations, auditedText: isJson ? kept.join('\n') : text };
}

/** `.expect` lines: `ruleid: <rule-id> <path>[:<line>]` for findings that have no annotatable line. */
export function parseExpectFile(text: string): Expectation[] {
  const out: Expectation[] = [];
  for (const raw of text.split('\n')) {
    const m = /^\s*(todoruleid|todook|ruleid|ok):\s*([\w-]+)\s+(\S+?)(?::(\d+))?\s*$/.exec(raw);
    if (m) out.push({ kind: m[1] as AnnotationKind, ruleIds: [m[2]], file: m[3], line: m[4] ? Number(m[4]) : undefined });
  }
  return out;
}

export interface PreparedCase {
  root: string;
  expectations: Expectation[];
  cleanup(): void;
}

/**
 * A case may hold earlier commits in `.git-history/<step>/` (steps in name order): each tree is
 * written over the repository and committed before the case's own files, so history-reading rules
 * can see a key that a later commit removed. Those files carry no annotations; use `.expect`.
 */
const HISTORY_DIR = '.git-history';

/**
 * A case may generate large files instead of committing them (`.generate.json`): path →
 * `{ header?, template, repeat, footer? }`, the template written `repeat` times with `{{i}}`
 * replaced by 1…repeat. For rules about size (monolithic modules, duplication, type coverage in a
 * large codebase). Generated files carry no annotations; expect their findings in `.expect`.
 */
const GENERATE_FILE = '.generate.json';
interface GeneratedFile {
  header?: string;
  template: string;
  repeat: number;
  footer?: string;
}

export function generateCaseFiles(spec: Record<string, GeneratedFile>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rel, g] of Object.entries(spec)) {
    const parts = [g.header ?? ''];
    for (let i = 1; i <= g.repeat; i++) parts.push(g.template.replace(/\{\{i\}\}/g, String(i)));
    parts.push(g.footer ?? '');
    out[rel] = parts.join('');
  }
  return out;
}

export function prepareCase(caseDir: string): PreparedCase {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-case-'));
  const expectations: Expectation[] = [];
  const historySteps = listCaseFiles(caseDir)
    .filter((rel) => rel.startsWith(`${HISTORY_DIR}/`))
    .map((rel) => rel.split('/')[1]);
  if (historySteps.length) {
    execFileSync('git', ['-C', root, 'init', '-q'], { stdio: 'ignore' });
    for (const step of [...new Set(historySteps)].sort()) {
      const stepDir = path.join(caseDir, HISTORY_DIR, step);
      for (const rel of listCaseFiles(stepDir)) cpSync(path.join(stepDir, rel), path.join(root, rel));
      commitAll(root, `history step ${step}`);
    }
  }
  for (const rel of listCaseFiles(caseDir)) {
    if (rel.startsWith(`${HISTORY_DIR}/`)) continue;
    if (rel === '.expect') {
      expectations.push(...parseExpectFile(readFileSync(path.join(caseDir, rel), 'utf8')));
      continue;
    }
    if (rel === GENERATE_FILE) {
      writeTree(root, generateCaseFiles(JSON.parse(readFileSync(path.join(caseDir, rel), 'utf8')) as Record<string, GeneratedFile>));
      continue;
    }
    const source = path.join(caseDir, rel);
    const target = path.join(root, rel);
    cpSync(source, target);
    if (statSync(source).size > 2_000_000) continue;
    const text = readFileSync(source, 'utf8');
    const parsed = parseAnnotations(rel, text);
    expectations.push(...parsed.expectations);
    if (parsed.auditedText !== text) writeFileSync(target, parsed.auditedText);
  }
  const untrackedList = path.join(caseDir, '.untracked');
  const untracked = listCaseFiles(caseDir).includes('.untracked') ? readFileSync(untrackedList, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : [];
  if (!listCaseFiles(caseDir).includes('.no-git')) initGitRepo(root, true, untracked);
  return { root, expectations, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Make `root` a git repo with every file (even ignored ones) tracked, as a committed `.env` would be. */
export function initGitRepo(root: string, forceAll = true, untracked: string[] = []): void {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  if (forceAll) git('add', '-A', '-f');
  // Files a case lists in `.untracked` stay in the working tree but out of git, like a fresh `.env`.
  if (untracked.length) git('reset', '-q', '--', ...untracked);
  // One commit, so the history-reading rules see the files as committed.
  commitAll(root, 'fixture', false);
}

/** Fixed dates, so fixture commits (and the hashes snapshots show) are the same on every run. */
const FIXTURE_DATE = { GIT_AUTHOR_DATE: '2026-01-15T10:00:00Z', GIT_COMMITTER_DATE: '2026-01-15T10:00:00Z' };

function commitAll(root: string, message: string, add = true): void {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'ignore', env: { ...process.env, ...FIXTURE_DATE } });
  if (add) git('add', '-A', '-f');
  git('-c', 'user.name=Fixture Author', '-c', 'user.email=fixtures@shipgate.invalid', '-c', 'commit.gpgsign=false', 'commit', '-q', '--no-verify', '--allow-empty', '-m', message);
}

export function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(root, rel);
    execFileSync('mkdir', ['-p', path.dirname(target)]);
    writeFileSync(target, content);
  }
}
