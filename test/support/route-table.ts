/** Parse an inline file tree, or build its route table, the way audit() does, for fact and extractor unit tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { discoverFiles } from '../../src/discover/discover-files.ts';
import { buildRepoIndex } from '../../src/facts/build-repo-index.ts';
import type { ParsedFiles } from '../../src/model/parsed-file.ts';
import type { RepoIndex, Route } from '../../src/model/repo-index.ts';
import { parseFiles } from '../../src/parse/parse-files.ts';
import { writeTree } from './fixture-case.ts';

/** The parsed files of an inline tree (the temporary folder is gone afterwards; parsed files keep their text and trees). */
export async function parseTree(files: Record<string, string>): Promise<ParsedFiles> {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-tree-'));
  try {
    writeTree(root, files);
    const discovery = await discoverFiles(root, { maxFileBytes: 1024 * 1024, ignore: [] });
    return (await parseFiles(discovery.files)).files;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The parsed files and the repository index of an inline tree, for facts that read both. */
export async function indexTree(files: Record<string, string>): Promise<{ files: ParsedFiles; index: RepoIndex }> {
  const parsed = await parseTree(files);
  return { files: parsed, index: buildRepoIndex('/tree', parsed, { tracked: null, trackedButIgnored: new Set() }) };
}

export async function routesOfTree(files: Record<string, string>): Promise<Route[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-routes-'));
  try {
    writeTree(root, files);
    const discovery = await discoverFiles(root, { maxFileBytes: 1024 * 1024, ignore: [] });
    const parsed = await parseFiles(discovery.files);
    return buildRepoIndex(root, parsed.files, { tracked: null, trackedButIgnored: new Set() }).routes;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** One line per route: `METHOD path handler file:line [level:guard, …]`. */
export function summariseRoutes(routes: Route[]): string[] {
  return routes.map((r) => `${r.method} ${r.path} ${r.handler.name} ${r.at.file}:${r.at.startLine} [${r.guards.map((g) => `${g.level}:${g.name}`).join(', ')}]`);
}
