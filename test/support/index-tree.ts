/** Parse an inline file tree and build its repo index, the way audit() does, for facts and assessment unit tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { discoverFiles } from '../../src/discover/discover-files.ts';
import { buildRepoIndex } from '../../src/facts/build-repo-index.ts';
import type { ParsedFiles } from '../../src/model/parsed-file.ts';
import type { RepoIndex } from '../../src/model/repo-index.ts';
import { parseFiles } from '../../src/parse/parse-files.ts';
import { writeTree } from './fixture-case.ts';

export async function indexTree(tree: Record<string, string>): Promise<{ files: ParsedFiles; index: RepoIndex }> {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-tree-'));
  try {
    writeTree(root, tree);
    const discovery = await discoverFiles(root, { maxFileBytes: 4 * 1024 * 1024, ignore: [] });
    const parsed = await parseFiles(discovery.files);
    return { files: parsed.files, index: buildRepoIndex(root, parsed.files, { tracked: null, trackedButIgnored: new Set() }) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
