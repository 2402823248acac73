/**
 * Config loading and validation: errors name the bad key, YAML and JSON both load, defaults apply.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from '../src/config/load-config.ts';
import { defaultConfig } from '../src/config/schema.ts';

const KNOWN = new Set(['route-missing-auth', 'sql-injection']);

const roots: string[] = [];
function tempRoot(files: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-config-'));
  roots.push(root);
  for (const [rel, content] of Object.entries(files)) writeFileSync(path.join(root, rel), content);
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
    const defaults = { rules: {}, ignore: [], maxFileSizeKb: 1024, gitHistory: 'auto', gitHistoryAutoLimit: 5000, history: true, historyLimit: 100 };
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
