/**
 * Finding and validating the user's configuration.
 *
 * Sources, first found wins (one source is read; they are never merged, so what applies is never
 * a puzzle):
 *   1. `--config FILE` (JSON or YAML; a `package.json` or `pyproject.toml` is read for its shipgate part)
 *   2. `shipgate.config.json`, then `shipgate.config.yaml`, then `shipgate.config.yml`
 *   3. the `"shipgate"` key of `package.json`
 *   4. the `[tool.shipgate]` table of `pyproject.toml`
 * When another source exists too, `ignored` names it, so the CLI can say which one won.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { CONFIG_EXPECTED, configSchema, type ShipgateConfig } from './schema.ts';

/** A config problem the user must fix; the CLI turns it into exit code 2. */
export class ConfigError extends Error {}

type SourceKind = 'json' | 'yaml' | 'package.json' | 'pyproject.toml';

interface Candidate {
  file: string;
  kind: SourceKind;
  /** How messages name it: `shipgate.config.json`, `package.json "shipgate"`, `pyproject.toml [tool.shipgate]`. */
  label: string;
}

export interface LoadedConfig {
  config: ShipgateConfig;
  /** The file the config came from (absent: defaults). */
  source?: string;
  /** The same, as messages name it. */
  label?: string;
  /** Other config sources present in the repository that were not read (the winner is `label`). */
  ignored: string[];
}

const FILE_NAMES: [string, SourceKind][] = [
  ['shipgate.config.json', 'json'],
  ['shipgate.config.yaml', 'yaml'],
  ['shipgate.config.yml', 'yaml'],
  ['package.json', 'package.json'],
  ['pyproject.toml', 'pyproject.toml'],
];

function candidateFor(file: string, kind: SourceKind): Candidate {
  const base = path.basename(file);
  const label = kind === 'package.json' ? `${base} "shipgate"` : kind === 'pyproject.toml' ? `${base} [tool.shipgate]` : base;
  return { file, kind, label };
}

function kindOfExplicit(file: string): SourceKind {
  const base = path.basename(file);
  if (base === 'package.json') return 'package.json';
  if (base === 'pyproject.toml' || base.endsWith('.toml')) return 'pyproject.toml';
  return file.endsWith('.json') ? 'json' : 'yaml';
}

/**
 * The raw config object of a source; `undefined` when the source has no shipgate part
 * (a package.json without a "shipgate" key) or cannot be read and was not asked for explicitly.
 */
async function readSource(candidate: Candidate, explicit: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(candidate.file, 'utf8');
  } catch (error) {
    if (explicit) throw new ConfigError(`cannot read config file ${candidate.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    return undefined;
  }
  switch (candidate.kind) {
    case 'json':
      try {
        return JSON.parse(text) ?? {};
      } catch (error) {
        throw new ConfigError(`${candidate.label} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
      }
    case 'yaml':
      try {
        return parseYaml(text) ?? {};
      } catch (error) {
        throw new ConfigError(`${candidate.label} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
      }
    case 'package.json': {
      let manifest: unknown;
      try {
        manifest = JSON.parse(text);
      } catch (error) {
        // The project's own manifest is broken: only an error when we were told to read it.
        if (explicit) throw new ConfigError(`${path.basename(candidate.file)} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
        return undefined;
      }
      return manifest && typeof manifest === 'object' && 'shipgate' in manifest ? (manifest as { shipgate: unknown }).shipgate : undefined;
    }
    case 'pyproject.toml': {
      let table: Record<string, unknown>;
      try {
        table = parseToml(text) as Record<string, unknown>;
      } catch (error) {
        if (explicit) throw new ConfigError(`${path.basename(candidate.file)} is not valid TOML: ${(error as Error).message.split('\n')[0]}`);
        return undefined;
      }
      const tool = table.tool;
      return tool && typeof tool === 'object' && 'shipgate' in tool ? (tool as { shipgate: unknown }).shipgate : undefined;
    }
  }
}

/** Load `explicitPath`, else the first config source in the root, else defaults. */
export async function loadConfig(root: string, explicitPath?: string, knownRuleIds?: ReadonlySet<string>): Promise<LoadedConfig> {
  const inRoot = FILE_NAMES.map(([name, kind]) => candidateFor(path.join(root, name), kind));
  const explicit = explicitPath ? candidateFor(path.resolve(explicitPath), kindOfExplicit(explicitPath)) : undefined;
  let chosen: { candidate: Candidate; raw: unknown } | undefined;
  const ignored: string[] = [];
  if (explicit) {
    const raw = await readSource(explicit, true);
    if (raw === undefined) throw new ConfigError(`${explicit.label}: no shipgate configuration in ${explicitPath}`);
    chosen = { candidate: explicit, raw };
  }
  for (const candidate of inRoot) {
    if (explicit && candidate.file === explicit.file) continue;
    // Sources after the winner are only looked at to say they were ignored; a broken one is not an error then.
    const raw = chosen ? await readSource(candidate, false).catch(() => 'unreadable') : await readSource(candidate, false);
    if (raw === undefined) continue;
    if (chosen) ignored.push(candidate.label);
    else chosen = { candidate, raw };
  }
  if (!chosen) return { config: configSchema.parse({}), ignored };
  const { candidate, raw } = chosen;
  return { config: validateConfig(raw ?? {}, candidate.label, knownRuleIds), source: candidate.file, label: candidate.label, ignored };
}

export function validateConfig(raw: unknown, source: string, knownRuleIds?: ReadonlySet<string>): ShipgateConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`${source}: ${describeIssue(result.error.issues[0], raw)}`);
  if (knownRuleIds) {
    const unknown = Object.keys(result.data.rules).filter((id) => !knownRuleIds.has(id));
    if (unknown.length) throw new ConfigError(`${source}: rules.${unknown[0]} is not a shipgate rule id (see \`shipgate rules\`)`);
  }
  return result.data;
}

const TOP_LEVEL_KEYS = Object.keys(configSchema.shape) as (keyof ShipgateConfig)[];

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const where = [...issue.path, issue.keys[0]].join('.');
    const allowed = issue.path.length === 0 ? TOP_LEVEL_KEYS.join(', ') : issue.path[0] === 'rules' ? 'severity' : undefined;
    return `unknown key "${where}"${allowed ? `; allowed keys here: ${allowed}` : ''}`;
  }
  if (!issue.path.length) return `(top level): expected a mapping of settings (keys: ${TOP_LEVEL_KEYS.join(', ')})`;
  const top = issue.path[0] as keyof ShipgateConfig;
  const got = describeValue(valueAt(raw, issue.path));
  if (top === 'rules' && issue.path.length >= 2)
    return `${key}: expected "off", a severity (critical, high, medium, low, info) or { "severity": … }${got}`;
  const expected = CONFIG_EXPECTED[top];
  return expected ? `${key}: expected ${expected}${got}` : `${key}: ${issue.message}`;
}

function valueAt(raw: unknown, keyPath: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const k of keyPath) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[k];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text === undefined ? '' : ` (got ${text.length > 60 ? `${text.slice(0, 57)}…` : text})`;
}
