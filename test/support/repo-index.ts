/** Build the RepoIndex and parsed files of an inline file tree the way audit() does, for facts and assessment unit tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { discoverFiles } from '../../src/discover/discover-files.ts';
import { buildRepoIndex, type IndexInputs } from '../../src/facts/build-repo-index.ts';
import type { ParsedFiles } from '../../src/model/parsed-file.ts';
import type { RepoIndex } from '../../src/model/repo-index.ts';
import { parseFiles } from '../../src/parse/parse-files.ts';
import { writeTree } from './fixture-case.ts';

export interface TreeIndex {
  index: RepoIndex;
  files: ParsedFiles;
}

export async function indexOfTree(tree: Record<string, string>, inputs: IndexInputs = {}): Promise<TreeIndex> {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-index-'));
  try {
    writeTree(root, tree);
    const discovery = await discoverFiles(root, { maxFileBytes: 1024 * 1024, ignore: [] });
    const parsed = await parseFiles(discovery.files);
    const index = buildRepoIndex(root, parsed.files, { tracked: null, trackedButIgnored: new Set() }, [], inputs);
    return { index, files: parsed.files };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
