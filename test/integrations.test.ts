/**
 * The GitHub Action and the pre-commit hooks, run for real where they can be: the action's audit
 * script with the environment GitHub gives it, its comment poster against a local stand-in for the
 * GitHub API, the hook entries through the CLI on a git repository with a staged change. The
 * action file itself is checked for pinned actions and injection-safe scripts.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { SUMMARY_MARKER } from '../src/report/ci-summary.ts';
import { writeTree } from './support/fixture-case.ts';
import { PROJECT_ROOT, runCli } from './support/run-cli.ts';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});
function temp(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  roots.push(dir);
  return dir;
}

const git = (root: string, ...args: string[]) =>
  execFileSync('git', ['-C', root, '-c', 'user.name=T', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' });

const STRIPE_KEY = `${'sk_live_'}${'51HxYzQ2eZvKYlo2C8dJk3m9'}${'PqRsTuVwXyZ0aBcD'}`;
const APP = {
  'requirements.txt': 'fastapi==0.115.0\n',
  'main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\ndef health():\n    return {"ok": True}\n',
};

function repo(): string {
  const root = temp('shipgate-integration-');
  writeTree(root, APP);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'initial');
  return root;
}

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
const action = parseYaml(readFileSync(path.join(PROJECT_ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};

describe('action.yml', () => {
  it('is a composite action on Node 20 whose actions are pinned by commit', () => {
    expect(action.runs.using).toBe('composite');
    const uses = action.runs.steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(uses.map((u) => u.split('@')[0])).toEqual(['actions/setup-node', 'github/codeql-action/upload-sarif']);
    for (const u of uses) expect(u).toMatch(/@[0-9a-f]{40}$/);
    const text = readFileSync(path.join(PROJECT_ROOT, 'action.yml'), 'utf8');
    for (const u of uses) expect(text).toMatch(new RegExp(`${u.replace(/[/.]/g, '\\$&')} # v\\d+\\.\\d+\\.\\d+`));
    expect(action.runs.steps[0].with).toEqual({ 'node-version': 20 });
  });

  it('passes inputs to scripts through the environment only, and uses only declared inputs and outputs', () => {
    for (const step of action.runs.steps.filter((s) => s.run)) {
      expect(step.shell).toBe('bash');
      expect(step.run).not.toContain('${{');
    }
    const text = readFileSync(path.join(PROJECT_ROOT, 'action.yml'), 'utf8');
    const used = [...text.matchAll(/inputs\.([\w-]+)/g)].map((m) => m[1]);
    for (const name of used) expect(Object.keys(action.inputs), name).toContain(name);
    const script = readFileSync(path.join(PROJECT_ROOT, 'action/audit.sh'), 'utf8');
    const written = new Set([...script.matchAll(/echo "([\w-]+)=/g)].map((m) => m[1]).concat(['verdict', 'score', 'grade', 'security-grade']));
    for (const m of text.matchAll(/steps\.audit\.outputs\.([\w-]+)/g)) expect([...written], m[1]).toContain(m[1]);
    for (const [name, output] of Object.entries(action.outputs)) expect(output.value, name).toMatch(/^\$\{\{ steps\.audit\.outputs\.[\w-]+ \}\}$/);
  });
});

describe('the action audit script', () => {
  function runStep(root: string, env: Record<string, string>) {
    const work = temp('shipgate-workspace-');
    const outputFile = path.join(work, 'github-output');
    const summaryFile = path.join(work, 'step-summary');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '# Earlier step\n');
    const step = action.runs.steps.find((s) => s.id === 'audit')!;
    const result = spawnSync('bash', ['-c', step.run!], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, GITHUB_ACTION_PATH: PROJECT_ROOT, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, INPUT_PATH: root, INPUT_OUTPUT_DIR: 'reports', ...env },
    });
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return { ...result, outputs, summary: readFileSync(summaryFile, 'utf8'), work };
  }

  it('writes the reports, the outputs and the job summary, and leaves the gate to the last step', () => {
    const root = repo();
    writeTree(root, { 'billing.py': `import stripe\n\nstripe.api_key = "${STRIPE_KEY}"\n` });
    const { status, outputs, summary, work, stdout } = runStep(root, { INPUT_FAIL_ON: 'critical', INPUT_FORMAT: 'md' });
    expect(status).toBe(0);
    expect(outputs).toMatchObject({ 'exit-code': '1', verdict: 'NO-GO', grade: expect.stringMatching(/^[A-F][+-]?$/), 'report-dir': 'reports', 'json-file': 'reports/shipgate-report.json' });
    expect(Number(outputs.score)).toBeGreaterThanOrEqual(0);
    expect(summary.startsWith('# Earlier step\n')).toBe(true);
    expect(summary).toContain(SUMMARY_MARKER);
    expect(summary).toContain('shipgate: NO-GO');
    expect(summary).not.toContain(STRIPE_KEY);
    expect(readFileSync(path.join(work, 'reports/shipgate-audit.md'), 'utf8')).toContain('# Production Readiness Audit');
    expect(stdout).toContain('::error title=shipgate::open findings at or above --fail-on critical');
    // History stays off in CI unless asked for.
    expect(() => readFileSync(path.join(root, '.shipgate/history.jsonl'))).toThrow();

    const gate = action.runs.steps.find((s) => s.name === 'Gate')!;
    expect(spawnSync('bash', ['-c', gate.run!], { env: { ...process.env, AUDIT_EXIT_CODE: outputs['exit-code'] } }).status).toBe(1);
    expect(spawnSync('bash', ['-c', gate.run!], { env: { ...process.env, AUDIT_EXIT_CODE: '0' } }).status).toBe(0);
  });

  it('passes the baseline through, and fails the step when shipgate cannot run', () => {
    const root = repo();
    const baseline = path.join(temp('shipgate-baseline-'), 'base.json');
    writeTree(root, { 'billing.py': `import stripe\n\nstripe.api_key = "${STRIPE_KEY}"\n` });
    writeFileSync(baseline, runCli(['audit', root, '--format', 'json', '--no-history']).stdout);
    const known = runStep(root, { INPUT_FAIL_ON: 'critical', INPUT_BASELINE: baseline, INPUT_FORMAT: 'json' });
    expect(known.status).toBe(0);
    expect(known.outputs['exit-code']).toBe('0');
    expect(known.summary).toContain('This change adds no finding.');

    const broken = runStep(root, { INPUT_BASELINE: path.join(root, 'missing.json') });
    expect(broken.status).toBe(2);
    expect(broken.stdout).toContain('::error title=shipgate::the audit could not run (exit code 2)');
    expect(broken.stderr).toMatch(/missing\.json cannot be read/);
  });
});

describe('the pull-request comment', () => {
  interface Call {
    method: string;
    url: string;
    body?: { body: string };
    auth?: string;
  }
  async function withApi(existing: { id: number; body: string }[], status = 200) {
    const calls: Call[] = [];
    const read = (req: IncomingMessage) => new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => resolve(data));
    });
    const server = createServer(async (req, res) => {
      const text = await read(req);
      calls.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, ...(text ? { body: JSON.parse(text) } : {}) });
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(req.method === 'GET' ? JSON.stringify(existing) : '{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { calls, url, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  async function post(apiUrl: string, event: unknown): Promise<{ code: number | null; stdout: string }> {
    const dir = temp('shipgate-comment-');
    writeFileSync(path.join(dir, 'event.json'), JSON.stringify(event));
    writeFileSync(path.join(dir, 'summary.md'), `${SUMMARY_MARKER}\n## shipgate: NO-GO\n`);
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'action/post-comment.mjs')], {
      env: { ...process.env, GITHUB_API_URL: apiUrl, GITHUB_REPOSITORY: 'acme/app', GITHUB_EVENT_PATH: path.join(dir, 'event.json'), GITHUB_TOKEN: 'ghs_test', SUMMARY_FILE: path.join(dir, 'summary.md') },
    });
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, stdout };
  }

  it('posts the summary once, then updates that comment', async () => {
    const fresh = await withApi([{ id: 7, body: 'LGTM' }]);
    const first = await post(fresh.url, { pull_request: { number: 42 } });
    await fresh.close();
    expect(first.code).toBe(0);
    expect(fresh.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /repos/acme/app/issues/42/comments?per_page=100&page=1', 'POST /repos/acme/app/issues/42/comments']);
    expect(fresh.calls[1].body!.body).toContain('## shipgate: NO-GO');
    expect(fresh.calls[1].auth).toBe('Bearer ghs_test');

    const again = await withApi([{ id: 7, body: 'LGTM' }, { id: 9, body: `${SUMMARY_MARKER}\nold summary` }]);
    const second = await post(again.url, { pull_request: { number: 42 } });
    await again.close();
    expect(second.stdout).toContain('updated the summary comment on pull request #42');
    expect(again.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /repos/acme/app/issues/42/comments?per_page=100&page=1', 'PATCH /repos/acme/app/issues/comments/9']);
  });

  it('does nothing outside a pull request, and only warns when the token may not comment', async () => {
    const api = await withApi([]);
    const push = await post(api.url, { ref: 'refs/heads/main' });
    expect(push.stdout).toContain('not a pull-request event');
    expect(api.calls).toEqual([]);
    await api.close();

    const forbidden = await withApi([], 403);
    const denied = await post(forbidden.url, { pull_request: { number: 5 } });
    await forbidden.close();
    expect(denied.code).toBe(0);
    expect(denied.stdout).toMatch(/::warning title=shipgate::the summary could not be posted as a comment \(GET .*HTTP 403/);
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parseYaml(readFileSync(path.join(PROJECT_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; pass_filenames: boolean; stages: string[] }[];

  it('defines a commit hook gating the change and a push hook gating the repository', () => {
    expect(hooks.map((h) => [h.id, h.stages])).toEqual([
      ['shipgate', ['pre-commit']],
      ['shipgate-push', ['pre-push']],
    ]);
    for (const h of hooks) {
      expect(h.language).toBe('node');
      expect(h.pass_filenames).toBe(false);
      expect(h.entry).toMatch(/^shipgate audit /);
    }
  });

  it('the commit hook fails a commit that stages a critical finding, passes one that does not, also before the first commit', () => {
    const args = hooks[0].entry.split(' ').slice(1);
    const first = temp('shipgate-hook-');
    writeTree(first, APP);
    git(first, 'init', '-q', '-b', 'main');
    git(first, 'add', '-A');
    expect(runCli(args, { cwd: first }).code).toBe(0);
    git(first, 'commit', '-qm', 'initial');

    writeTree(first, { 'billing.py': `import stripe\n\nstripe.api_key = "${STRIPE_KEY}"\n` });
    git(first, 'add', 'billing.py');
    const blocked = runCli(args, { cwd: first });
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/Scope\s+changed since HEAD \(1 file\): 1 new finding \(open: 1 critical\)/);

    const push = runCli(hooks[1].entry.split(' ').slice(1), { cwd: first });
    expect(push.code).toBe(1);
  });
});
