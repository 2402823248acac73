/**
 * The CLI contract for reports (issue 7 item 9): `--format` takes a comma-separated list or `all`,
 * `--out DIR` writes one file per format (the TODO list's name contains "todo") and the terminal
 * summary still prints; one format without `--out` prints that document alone on stdout; team
 * capacity from options or config; bad values are exit 2 with a message naming them.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { AuditReport } from '../../src/model/audit-report.ts';
import { registry } from '../../src/rules/index.ts';
import { FORMATS } from '../../src/report/index.ts';
import { PROJECT_ROOT, runCli } from '../support/run-cli.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'shipgate-cli-formats-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('report formats on the command line', () => {
  it('writes every format with --format all --out, and still prints the summary with the cut to GO and the folder', () => {
    const out = path.join(temp, 'all');
    const { code, stdout, stderr } = runCli(['audit', 'examples/mindful-api', '--format', 'all', '--out', out, '--no-git-history', '--no-history']);
    expect(code, stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(Object.values(FORMATS).map((f) => f.fileName).sort());
    expect(readdirSync(out).filter((f) => f.includes('todo'))).toEqual(['shipgate-todo.md']);
    expect(stdout).toMatch(/Verdict\s+NO-GO/);
    expect(stdout).toMatch(/To GO\s+\d+ changes, [\d.]+ h \(/);
    expect(stdout).toContain(`Reports   ${out}/: shipgate-audit.md, shipgate-action-plan.md, shipgate-todo.md, shipgate-report.yaml, shipgate-report.json, shipgate-report.sarif, shipgate-report.html, shipgate-summary.md`);
    expect(readFileSync(path.join(out, 'shipgate-todo.md'), 'utf8')).toMatch(/^# mindful-api - Todo List\n/);
    expect(JSON.parse(readFileSync(path.join(out, 'shipgate-report.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(readFileSync(path.join(out, 'shipgate-report.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('prints one format alone on stdout when there is no --out', () => {
    const sarif = runCli(['audit', 'examples/clean-service', '--format', 'sarif', '--no-git-history', '--no-history']);
    expect(sarif.code).toBe(0);
    expect(JSON.parse(sarif.stdout).runs[0].tool.driver.name).toBe('shipgate');
    expect(sarif.stderr.replace(/npm warn.*\n/g, '')).toBe('');
    const plan = runCli(['audit', 'examples/clean-service', '--format', 'PLAN', '--no-git-history', '--no-history']);
    expect(plan.stdout).toMatch(/^# clean-service — Audit Action Plan\n/);
    expect(plan.stdout).not.toContain('Verdict   ');
  });

  it('takes the team capacity from the options, else from the config', async () => {
    const fromOptions = JSON.parse(runCli(['audit', 'examples/mindful-api', '--format', 'json', '--no-git-history', '--no-history', '--team-size', '3', '--hours-per-week', '20']).stdout) as AuditReport;
    expect(fromOptions.plan!.team).toEqual({ size: 3, hoursPerWeek: 20 });
    expect(fromOptions.plan!.schedule[0].hours).toBeLessThanOrEqual(60);
    // The config keys, and an option overriding one of them (what the CLI passes to audit()).
    const repo = path.join(temp, 'configured');
    cpSync(path.join(PROJECT_ROOT, 'examples/clean-flask'), repo, { recursive: true });
    writeFileSync(path.join(repo, 'shipgate.config.json'), JSON.stringify({ teamSize: 2, hoursPerWeek: 12 }));
    const { config } = await loadConfig(repo, undefined, new Set(registry.map((r) => r.meta.id)));
    expect((await audit({ root: repo, config, gitHistory: false })).plan!.team).toEqual({ size: 2, hoursPerWeek: 12 });
    expect((await audit({ root: repo, config, gitHistory: false, team: { hoursPerWeek: 40 } })).plan!.team).toEqual({ size: 2, hoursPerWeek: 40 });
  });

  it('rejects bad format lists and capacities with exit 2 and a message naming them', () => {
    const several = runCli(['audit', 'examples/clean-service', '--format', 'md,todo']);
    expect(several.code).toBe(2);
    expect(several.stderr).toContain('--format md,todo writes 2 reports: add --out DIR');
    const unknown = runCli(['audit', 'examples/clean-service', '--format', 'md,pdf', '--out', path.join(temp, 'x')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown format "pdf"; available: md, plan, todo, yaml, json, sarif, html, summary, all');
    const team = runCli(['audit', 'examples/clean-service', '--team-size', '1.5']);
    expect(team.code).toBe(2);
    expect(team.stderr).toContain('--team-size must be a whole number from 1 to 1000, got "1.5"');
    const config = path.join(temp, 'bad-config');
    cpSync(path.join(PROJECT_ROOT, 'examples/clean-flask'), config, { recursive: true });
    writeFileSync(path.join(config, 'shipgate.config.json'), JSON.stringify({ hoursPerWeek: 500 }));
    const badConfig = runCli(['audit', config]);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('hoursPerWeek');
  });
});
