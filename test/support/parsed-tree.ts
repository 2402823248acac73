/** Parse an inline file tree the way audit() does (discover → parse → index), for facts unit tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { discoverFiles } from '../../src/discover/discover-files.ts';
import { buildRepoIndex } from '../../src/facts/build-repo-index.ts';
import type { ToolDiagnostic } from '../../src/model/finding.ts';
import type { ParsedFiles } from '../../src/model/parsed-file.ts';
import type { RepoIndex } from '../../src/model/repo-index.ts';
import { parseFiles } from '../../src/parse/parse-files.ts';
import { writeTree } from './fixture-case.ts';

export interface ParsedTree {
  files: ParsedFiles;
  index: RepoIndex;
  diagnostics: ToolDiagnostic[];
}

export async function parseTree(tree: Record<string, string>): Promise<ParsedTree> {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-tree-'));
  try {
    writeTree(root, tree);
    const discovery = await discoverFiles(root, { maxFileBytes: 1024 * 1024, ignore: [] });
    const parsed = await parseFiles(discovery.files);
    const diagnostics = [...parsed.diagnostics];
    const paths = new Set(discovery.allPaths);
    const index = buildRepoIndex(root, parsed.files, { tracked: null, trackedButIgnored: new Set(), paths }, diagnostics);
    return { files: parsed.files, index, diagnostics };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
