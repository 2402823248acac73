/**
 * Dependency update automation configured in the repository: Dependabot version updates
 * (`.github/dependabot.yml`, with the ecosystems it covers), Renovate (every config location
 * Renovate reads: `renovate.json(5)`, `.github/` and `.gitlab/` copies, `.renovaterc(.json/.json5)`,
 * a `renovate` key in package.json), and the older PyUp and Depfu services.
 */
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import { seqItems, yamlGet, yamlScalar } from './yaml-nodes.ts';

export interface UpdateBot {
  name: 'dependabot' | 'renovate' | 'pyup' | 'depfu';
  file: string;
  line?: number;
  /**
   * Ecosystems it keeps up to date, in shipgate's terms (`npm`, `pypi`, and others as written);
   * `all` for Renovate, which updates every manager it finds unless `enabledManagers` narrows it.
   */
  ecosystems: Set<string>;
}

const RENOVATE = /^(renovate\.json5?|\.github\/renovate\.json5?|\.gitlab\/renovate\.json5?|\.renovaterc(\.json5?)?)$/;

/** Dependabot `package-ecosystem` values → shipgate ecosystem. */
const DEPENDABOT_ECOSYSTEM: Record<string, string> = { npm: 'npm', bun: 'npm', pip: 'pypi', uv: 'pypi', pipenv: 'pypi', poetry: 'pypi' };

/** Renovate manager names → shipgate ecosystem. */
const RENOVATE_MANAGER: Record<string, string> = { npm: 'npm', bun: 'npm', pip_requirements: 'pypi', 'pip-compile': 'pypi', pep621: 'pypi', poetry: 'pypi', pipenv: 'pypi', setuptools: 'pypi', pip_setup: 'pypi' };

export function findUpdateBots(files: ParsedFiles): UpdateBot[] {
  const bots: UpdateBot[] = [];
  for (const file of files.all) {
    const path = file.path;
    if (/^\.github\/dependabot\.ya?ml$/.test(path)) bots.push(readDependabot(file));
    else if (RENOVATE.test(path)) bots.push(readRenovate(file, file.json));
    else if (path === 'package.json' && (file.json as { renovate?: unknown } | undefined)?.renovate) {
      const at = file.text.indexOf('"renovate"');
      bots.push(readRenovate(file, (file.json as { renovate: unknown }).renovate, at >= 0 ? file.position(at).line : undefined));
    } else if (/^\.pyup\.ya?ml$/.test(path)) bots.push({ name: 'pyup', file: path, line: 1, ecosystems: new Set(['pypi']) });
    else if (/^\.depfu\.ya?ml$/.test(path)) bots.push({ name: 'depfu', file: path, line: 1, ecosystems: new Set(['npm']) });
  }
  return bots.sort((a, b) => (a.file < b.file ? -1 : 1));
}

function readDependabot(file: ParsedFile): UpdateBot {
  const ecosystems = new Set<string>();
  const doc = file.yaml?.[0];
  let line: number | undefined;
  if (doc) {
    const root = (doc as { contents?: unknown }).contents;
    for (const update of seqItems(yamlGet(root, 'updates', doc), doc)) {
      const node = yamlGet(update, 'package-ecosystem', doc);
      const value = yamlScalar(node);
      if (!value) continue;
      ecosystems.add(DEPENDABOT_ECOSYSTEM[value] ?? value);
      if (line === undefined && node?.range) line = file.position(node.range[0]).line;
    }
  }
  // A file that does not parse: count it as present with no known ecosystem.
  return { name: 'dependabot', file: file.path, line: line ?? 1, ecosystems };
}

function readRenovate(file: ParsedFile, config: unknown, line?: number): UpdateBot {
  const ecosystems = new Set<string>();
  const enabled = (config as { enabledManagers?: unknown } | undefined)?.enabledManagers;
  if (Array.isArray(enabled)) {
    for (const m of enabled) if (typeof m === 'string') ecosystems.add(RENOVATE_MANAGER[m] ?? m);
  } else {
    // No list (or a JSON5 / commented config that does not parse as JSON): Renovate runs every manager it finds.
    ecosystems.add('all');
  }
  return { name: 'renovate', file: file.path, line: line ?? 1, ecosystems };
}

/** Whether the bot keeps this ecosystem up to date. */
export function botCovers(bot: UpdateBot, ecosystem: string): boolean {
  return bot.ecosystems.has('all') || bot.ecosystems.has(ecosystem);
}
