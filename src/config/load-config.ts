import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type ShipgateConfig } from './schema.ts';

/** A config problem the user must fix; the CLI turns it into exit code 2. */
export class ConfigError extends Error {}

const CANDIDATES = ['shipgate.config.json', 'shipgate.config.yaml', 'shipgate.config.yml'];

/** Load `explicitPath`, else the first shipgate.config.* in the root, else defaults. */
export async function loadConfig(root: string, explicitPath?: string, knownRuleIds?: ReadonlySet<string>): Promise<{ config: ShipgateConfig; source?: string }> {
  const candidates = explicitPath ? [path.resolve(explicitPath)] : CANDIDATES.map((c) => path.join(root, c));
  for (const file of candidates) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (explicitPath) throw new ConfigError(`cannot read config file ${explicitPath}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      continue;
    }
    let raw: unknown;
    try {
      raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch (error) {
      throw new ConfigError(`${path.basename(file)} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
    }
    return { config: validateConfig(raw ?? {}, path.basename(file), knownRuleIds), source: file };
  }
  return { config: configSchema.parse({}) };
}

export function validateConfig(raw: unknown, source: string, knownRuleIds?: ReadonlySet<string>): ShipgateConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`${source}: ${describeIssue(result.error.issues[0])}`);
  if (knownRuleIds) {
    const unknown = Object.keys(result.data.rules).filter((id) => !knownRuleIds.has(id));
    if (unknown.length) throw new ConfigError(`${source}: rules.${unknown[0]} is not a shipgate rule id (see \`shipgate rules\`)`);
  }
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const where = [...issue.path, issue.keys[0]].join('.');
    const allowed = issue.path.length === 0 ? 'rules, ignore, maxFileSizeKb, failOn' : issue.path[0] === 'rules' ? 'severity' : undefined;
    return `unknown key "${where}"${allowed ? `; allowed keys here: ${allowed}` : ''}`;
  }
  if (issue.path[0] === 'rules' && issue.path.length >= 2)
    return `${key}: expected "off", a severity (critical, high, medium, low, info) or { "severity": … }`;
  if (issue.path[0] === 'failOn') return `failOn: expected one of critical, high, medium, low, none`;
  return `${key}: ${issue.message}`;
}
