/**
 * Config loading and validation: errors name the bad key, YAML and JSON both load, defaults apply.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from '../src/config/load-config.ts';
import { CONFIG_EXPECTED, configSchema, defaultConfig, fileSizeLimits } from '../src/config/schema.ts';
import { runCli } from './support/run-cli.ts';

const KNOWN = new Set(['route-missing-auth', 'sql-injection']);

const roots: string[] = [];
function tempRoot(files: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-config-'));
  roots.push(root);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** The ConfigError `fn` throws (fails the test if it throws nothing or something else). */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('validateConfig', () => {
  it('fills in defaults for an empty config', () => {
    const defaults = { rules: {}, ignore: [], gitHistory: 'auto', gitHistoryAutoLimit: 5000, history: true, historyLimit: 100 };
    expect(validateConfig({}, 'shipgate.config.json')).toEqual(defaults);
    expect(defaultConfig()).toEqual(defaults);
  });

  it('accepts every form of rule setting', () => {
    const config = validateConfig(
      { rules: { 'route-missing-auth': 'off', 'sql-injection': { severity: 'critical' } }, ignore: ['legacy/'], maxFileSizeKb: 256, failOn: 'high' },
      'shipgate.config.json',
      KNOWN,
    );
    expect(config.rules).toEqual({ 'route-missing-auth': 'off', 'sql-injection': { severity: 'critical' } });
    expect(config.failOn).toBe('high');
    expect(validateConfig({ rules: { 'sql-injection': 'low' } }, 'x', KNOWN).rules['sql-injection']).toBe('low');
  });

  it('rejects an unknown top-level key, naming it and the file', () => {
    const error = configError(() => validateConfig({ rules: {}, failon: 'high' }, 'shipgate.config.yaml'));
    expect(error.message).toContain('shipgate.config.yaml');
    expect(error.message).toContain('"failon"');
  });

  it('rejects a bad severity value, naming rules.<id>', () => {
    for (const setting of ['severe', 'HIGH', true, { severity: 'urgent' }]) {
      const error = configError(() => validateConfig({ rules: { 'route-missing-auth': setting } }, 'shipgate.config.json', KNOWN));
      expect(error.message).toContain('rules.route-missing-auth');
    }
  });

  it('rejects an unknown key inside a rule setting, naming its full path', () => {
    const error = configError(() => validateConfig({ rules: { 'route-missing-auth': { level: 'high' } } }, 'shipgate.config.json', KNOWN));
    expect(error.message).toContain('rules.route-missing-auth.level');
  });

  it('lists the keys allowed where the unknown key is, not the top-level ones', () => {
    const error = configError(() => validateConfig({ rules: { 'route-missing-auth': { level: 'high' } } }, 'shipgate.config.json', KNOWN));
    expect(error.message).not.toContain('allowed keys are rules');
  });

  it('rejects an unknown rule id when the known ids are given', () => {
    const error = configError(() => validateConfig({ rules: { 'route-missing-auht': 'off' } }, 'shipgate.config.json', KNOWN));
    expect(error.message).toContain('rules.route-missing-auht');
    expect(validateConfig({ rules: { 'route-missing-auht': 'off' } }, 'shipgate.config.json').rules).toHaveProperty('route-missing-auht');
  });

  it('rejects wrong types, naming the key', () => {
    expect(configError(() => validateConfig({ maxFileSizeKb: 0 }, 'c')).message).toContain('maxFileSizeKb');
    expect(configError(() => validateConfig({ maxFileSizeKb: 1.5 }, 'c')).message).toContain('maxFileSizeKb');
    expect(configError(() => validateConfig({ ignore: 'dist/' }, 'c')).message).toContain('ignore');
    expect(configError(() => validateConfig({ failOn: 'sometimes' }, 'c')).message).toContain('failOn');
    expect(configError(() => validateConfig(['rules'], 'c')).message).toContain('top level');
  });
});

describe('loadConfig', () => {
  it('returns defaults and no source when the root has no config file', async () => {
    const loaded = await loadConfig(tempRoot());
    expect(loaded.source).toBeUndefined();
    expect(loaded.config).toEqual(defaultConfig());
  });

  it('loads shipgate.config.json', async () => {
    const root = tempRoot({ 'shipgate.config.json': JSON.stringify({ rules: { 'route-missing-auth': 'medium' }, maxFileSizeKb: 64 }) });
    const loaded = await loadConfig(root, undefined, KNOWN);
    expect(loaded.source).toBe(path.join(root, 'shipgate.config.json'));
    expect(loaded.config).toEqual({ ...defaultConfig(), rules: { 'route-missing-auth': 'medium' }, maxFileSizeKb: 64 });
  });

  it('loads shipgate.config.yaml, where `off` is the string "off" (YAML 1.2), not false', async () => {
    const yaml = ['rules:', '  route-missing-auth: off', '  sql-injection:', '    severity: critical', 'ignore:', '  - legacy/', 'failOn: high', ''].join('\n');
    const root = tempRoot({ 'shipgate.config.yaml': yaml });
    const loaded = await loadConfig(root, undefined, KNOWN);
    expect(loaded.source).toBe(path.join(root, 'shipgate.config.yaml'));
    expect(loaded.config).toEqual({
      ...defaultConfig(),
      rules: { 'route-missing-auth': 'off', 'sql-injection': { severity: 'critical' } },
      ignore: ['legacy/'],
      failOn: 'high',
    });
  });

  it('loads shipgate.config.yml, and an empty file as defaults', async () => {
    const loaded = await loadConfig(tempRoot({ 'shipgate.config.yml': '' }));
    expect(loaded.source).toMatch(/shipgate\.config\.yml$/);
    expect(loaded.config).toEqual(defaultConfig());
  });

  it('prefers the JSON file when several exist', async () => {
    const root = tempRoot({ 'shipgate.config.json': '{"maxFileSizeKb": 10}', 'shipgate.config.yaml': 'maxFileSizeKb: 20\n' });
    expect((await loadConfig(root)).config.maxFileSizeKb).toBe(10);
  });

  it('loads an explicit path, and fails clearly when it cannot be read', async () => {
    const root = tempRoot({ 'custom.yaml': 'maxFileSizeKb: 5\n' });
    expect((await loadConfig(tempRoot(), path.join(root, 'custom.yaml'))).config.maxFileSizeKb).toBe(5);
    await expect(loadConfig(root, path.join(root, 'missing.yaml'))).rejects.toThrow(ConfigError);
    await expect(loadConfig(root, path.join(root, 'missing.yaml'))).rejects.toThrow(/missing\.yaml.*ENOENT/);
  });

  it('reports syntax errors and schema errors with the file name', async () => {
    await expect(loadConfig(tempRoot({ 'shipgate.config.json': '{"rules": ' }))).rejects.toThrow(/shipgate\.config\.json is not valid JSON/);
    await expect(loadConfig(tempRoot({ 'shipgate.config.yaml': 'rules: [unclosed\n' }))).rejects.toThrow(/shipgate\.config\.yaml is not valid YAML/);
    await expect(loadConfig(tempRoot({ 'shipgate.config.yaml': 'rulez: {}\n' }))).rejects.toThrow(/shipgate\.config\.yaml: unknown key "rulez"/);
    await expect(loadConfig(tempRoot({ 'shipgate.config.yaml': 'rules:\n  nope: off\n' }), undefined, KNOWN)).rejects.toThrow(/rules\.nope is not a shipgate rule id/);
  });
});

describe('every key names what it accepts', () => {
  it('has an expected-value text for every key of the schema', () => {
    expect(Object.keys(CONFIG_EXPECTED).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  const cases: [Record<string, unknown>, string][] = [
    [{ ignore: 'dist/' }, 'ignore: expected a list of paths or globs in .gitignore syntax, e.g. ["scripts/**", "legacy/"] (got "dist/")'],
    [{ maxFileSizeKb: 0 }, 'maxFileSizeKb: expected a whole number of kilobytes, at least 1 (default 1024) (got 0)'],
    [{ gitHistory: 'sometimes' }, 'gitHistory: expected true, false or "auto" (default "auto") (got "sometimes")'],
    [{ gitHistoryAutoLimit: -1 }, 'gitHistoryAutoLimit: expected a whole number of commits, 0 or more (default 5000) (got -1)'],
    [{ failOn: 'sometimes' }, 'failOn: expected one of critical, high, medium, low, none (got "sometimes")'],
    [{ history: 'yes' }, 'history: expected true or false (default true) (got "yes")'],
    [{ historyLimit: 2.5 }, 'historyLimit: expected a whole number of audits, at least 1 (default 100) (got 2.5)'],
    [{ ignore: ['ok/', 3] }, 'ignore.1: expected a list of paths or globs in .gitignore syntax, e.g. ["scripts/**", "legacy/"] (got 3)'],
    [{ rules: { 'route-missing-auth': 'severe' } }, 'rules.route-missing-auth: expected "off", a severity (critical, high, medium, low, info) or { "severity": … } (got "severe")'],
    [{ rules: [] }, 'rules: expected a mapping from rule id to "off", a severity (critical, high, medium, low, info) or { "severity": … } (got [])'],
  ];
  for (const [raw, message] of cases)
    it(`explains ${JSON.stringify(raw)}`, () => {
      expect(configError(() => validateConfig(raw, 'shipgate.config.json', KNOWN)).message).toBe(`shipgate.config.json: ${message}`);
    });

  it('lists every allowed top-level key for an unknown one', () => {
    expect(configError(() => validateConfig({ histroy: false }, 'c')).message).toBe(
      `c: unknown key "histroy"; allowed keys here: ${Object.keys(configSchema.shape).join(', ')}`,
    );
  });
});

describe('config sources', () => {
  const pkg = (shipgate?: unknown) => JSON.stringify({ name: 'app', version: '1.0.0', ...(shipgate === undefined ? {} : { shipgate }) }, null, 2);
  const pyproject = (table: string) => `[project]\nname = "app"\nversion = "1.0"\n\n${table}`;

  it('reads the "shipgate" key of package.json, and ignores a package.json without one', async () => {
    const loaded = await loadConfig(tempRoot({ 'package.json': pkg({ failOn: 'high', rules: { 'route-missing-auth': 'off' } }) }), undefined, KNOWN);
    expect(loaded).toMatchObject({ label: 'package.json "shipgate"', ignored: [] });
    expect(loaded.config).toEqual({ ...defaultConfig(), failOn: 'high', rules: { 'route-missing-auth': 'off' } });
    expect((await loadConfig(tempRoot({ 'package.json': pkg() }))).source).toBeUndefined();
    // A broken package.json is the project's problem, not a shipgate config error.
    expect((await loadConfig(tempRoot({ 'package.json': '{ "name": ' }))).config).toEqual(defaultConfig());
  });

  it('reads [tool.shipgate] of pyproject.toml (rule ids as keys of a sub-table)', async () => {
    const toml = pyproject('[tool.shipgate]\nfailOn = "critical"\nignore = ["scripts/**"]\nhistoryLimit = 20\n\n[tool.shipgate.rules]\nroute-missing-auth = { severity = "high" }\nsql-injection = "off"\n');
    const loaded = await loadConfig(tempRoot({ 'pyproject.toml': toml }), undefined, KNOWN);
    expect(loaded.label).toBe('pyproject.toml [tool.shipgate]');
    expect(loaded.config).toEqual({ ...defaultConfig(), failOn: 'critical', ignore: ['scripts/**'], historyLimit: 20, rules: { 'route-missing-auth': { severity: 'high' }, 'sql-injection': 'off' } });
    expect((await loadConfig(tempRoot({ 'pyproject.toml': pyproject('[tool.ruff]\nline-length = 100\n') }))).source).toBeUndefined();
  });

  it('names the source in errors', async () => {
    await expect(loadConfig(tempRoot({ 'package.json': pkg({ failOn: 'sometimes' }) }))).rejects.toThrow(
      'package.json "shipgate": failOn: expected one of critical, high, medium, low, none (got "sometimes")',
    );
    await expect(loadConfig(tempRoot({ 'pyproject.toml': pyproject('[tool.shipgate]\nmaxFileSizeKb = "big"\n') }))).rejects.toThrow(
      'pyproject.toml [tool.shipgate]: maxFileSizeKb: expected a whole number of kilobytes, at least 1 (default 1024) (got "big")',
    );
    await expect(loadConfig(tempRoot({ 'pyproject.toml': pyproject('[tool.shipgate]\nfail_on = "high"\n') }))).rejects.toThrow(/pyproject\.toml \[tool\.shipgate\]: unknown key "fail_on"; allowed keys here: rules, /);
    await expect(loadConfig(tempRoot({ 'package.json': pkg('high') }))).rejects.toThrow(/package\.json "shipgate": \(top level\): expected a mapping of settings/);
  });

  it('uses one source, in the documented order, and names the ones it did not read', async () => {
    const all = {
      'shipgate.config.yaml': 'maxFileSizeKb: 2\n',
      'package.json': pkg({ maxFileSizeKb: 3 }),
      'pyproject.toml': pyproject('[tool.shipgate]\nmaxFileSizeKb = 4\n'),
    };
    const loaded = await loadConfig(tempRoot(all));
    expect(loaded.config.maxFileSizeKb).toBe(2);
    expect(loaded.label).toBe('shipgate.config.yaml');
    expect(loaded.ignored).toEqual(['package.json "shipgate"', 'pyproject.toml [tool.shipgate]']);

    const withoutYaml = await loadConfig(tempRoot({ 'package.json': all['package.json'], 'pyproject.toml': all['pyproject.toml'] }));
    expect(withoutYaml.config.maxFileSizeKb).toBe(3);
    expect(withoutYaml.ignored).toEqual(['pyproject.toml [tool.shipgate]']);

    // --config wins over everything in the repository, which is then named as not read.
    const root = tempRoot({ ...all, 'ci/shipgate.json': '{"maxFileSizeKb": 9}' });
    const explicit = await loadConfig(root, path.join(root, 'ci/shipgate.json'));
    expect(explicit.config.maxFileSizeKb).toBe(9);
    expect(explicit.ignored).toEqual(['shipgate.config.yaml', 'package.json "shipgate"', 'pyproject.toml [tool.shipgate]']);
    // --config can point at a package.json or pyproject.toml too.
    expect((await loadConfig(root, path.join(root, 'pyproject.toml'))).config.maxFileSizeKb).toBe(4);
    await expect(loadConfig(root, path.join(tempRoot({ 'package.json': pkg() }), 'package.json'))).rejects.toThrow(/no shipgate configuration in/);
  });

  it('says in the audit which source won', () => {
    const root = tempRoot({ 'shipgate.config.json': '{"failOn": "none"}', 'package.json': pkg({ failOn: 'low' }), 'app.py': 'print(1)\n' });
    const { stdout, code } = runCli(['audit', root, '--no-history']);
    expect(code).toBe(0);
    expect(stdout).toContain('configuration read from shipgate.config.json; also found and not read: package.json "shipgate"');
    const bad = runCli(['audit', tempRoot({ 'pyproject.toml': pyproject('[tool.shipgate]\nhistory = "no"\n') })]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('shipgate: pyproject.toml [tool.shipgate]: history: expected true or false (default true) (got "no")\n');
  });
});

describe('fileSizeLimits', () => {
  it('reads source files up to 8 MB by default, and follows maxFileSizeKb when only that is set', () => {
    expect(fileSizeLimits(defaultConfig())).toEqual({ maxFileBytes: 1024 * 1024, maxSourceFileBytes: 8192 * 1024 });
    expect(fileSizeLimits({ maxFileSizeKb: 64 })).toEqual({ maxFileBytes: 64 * 1024, maxSourceFileBytes: 64 * 1024 });
    expect(fileSizeLimits({ maxFileSizeKb: 64, maxSourceFileSizeKb: 4096 })).toEqual({ maxFileBytes: 64 * 1024, maxSourceFileBytes: 4096 * 1024 });
  });
});
