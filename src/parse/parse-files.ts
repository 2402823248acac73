import { readFile } from 'node:fs/promises';
import type { SkippedFile, ToolDiagnostic } from '../model/finding.ts';
import type { FileKind, ParsedFile, ParsedFiles, PrismaBlock } from '../model/parsed-file.ts';
import type { DiscoveredFile } from '../discover/discover-files.ts';
import { parseEnvFile } from './env-file.ts';
import { parseDockerfile } from './dockerfile.ts';
import { loadPrismaSchemaParser } from './prisma-schema.ts';
import { parse as parseToml } from 'smol-toml';
import { parseYaml, SourceText } from './parsed-file.ts';
import { hasSyntaxError, parseSource } from './syntax.ts';
import { parseMarkdown } from './markdown.ts';

export interface ParseResult {
  files: ParsedFiles;
  skipped: SkippedFile[];
  diagnostics: ToolDiagnostic[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Average line length above which a source file is treated as minified/generated. */
const MINIFIED_AVERAGE_LINE = 500;

export async function parseFiles(discovered: DiscoveredFile[]): Promise<ParseResult> {
  const skipped: SkippedFile[] = [];
  const diagnostics: ToolDiagnostic[] = [];
  const parsed: ParsedFile[] = [];
  const parsePrisma = discovered.some((f) => f.kind === 'prisma') ? await loadPrismaSchemaParser() : undefined;
  for (const file of discovered) {
    let bytes: Buffer;
    try {
      bytes = await readFile(file.absolutePath);
    } catch (error) {
      skipped.push({ file: file.path, reason: `unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
    const probe = bytes.subarray(0, 8192);
    if (probe.includes(0)) {
      skipped.push({ file: file.path, reason: 'binary file' });
      continue;
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      skipped.push({ file: file.path, reason: 'not valid UTF-8 text' });
      continue;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const result = parseOne(file, text, diagnostics, parsePrisma);
    if ('reason' in result) skipped.push({ file: file.path, reason: result.reason });
    else parsed.push(result);
  }
  return { files: indexParsedFiles(parsed), skipped, diagnostics };
}

function parseOne(file: DiscoveredFile, text: string, diagnostics: ToolDiagnostic[], parsePrisma?: (text: string) => PrismaBlock[]): ParsedFile | { reason: string } {
  const base = { path: file.path, kind: file.kind, language: file.language, text, isTest: file.isTest };
  if (file.kind === 'python' || file.kind === 'js') {
    const lines = text.split('\n').length;
    if (file.kind === 'js' && lines > 0 && text.length / lines > MINIFIED_AVERAGE_LINE) return { reason: 'minified or generated code' };
    try {
      const ast = parseSource(file.language!, text);
      if (hasSyntaxError(ast))
        diagnostics.push({ kind: 'parse-error', file: file.path, message: 'syntax errors: parts of this file could not be parsed and may be missed' });
      return new SourceText({ ...base, ast });
    } catch (error) {
      diagnostics.push({ kind: 'parse-error', file: file.path, message: `could not be parsed: ${(error as Error).message}` });
      return new SourceText(base);
    }
  }
  if (file.kind === 'yaml') {
    try {
      const yaml = parseYaml(text);
      const errors = yaml.flatMap((d) => d.errors);
      if (errors.length) diagnostics.push({ kind: 'parse-error', file: file.path, message: `YAML: ${errors[0].message.split('\n')[0]}` });
      return new SourceText({ ...base, yaml });
    } catch (error) {
      diagnostics.push({ kind: 'parse-error', file: file.path, message: `YAML could not be parsed: ${(error as Error).message}` });
      return new SourceText(base);
    }
  }
  if (file.kind === 'env') return new SourceText({ ...base, env: parseEnvFile(text) });
  if (file.kind === 'toml') {
    try {
      return new SourceText({ ...base, toml: parseToml(text) });
    } catch (error) {
      diagnostics.push({ kind: 'parse-error', file: file.path, message: `TOML could not be parsed: ${(error as Error).message.split('\n')[0]}` });
      return new SourceText(base);
    }
  }
  if (file.kind === 'json') {
    try {
      return new SourceText({ ...base, json: JSON.parse(text) as unknown });
    } catch {
      // tsconfig.json and VS Code settings are JSON with comments; a JSON file that does not parse is not an error worth reporting.
      return new SourceText(base);
    }
  }
  if (file.kind === 'dockerfile') {
    try {
      return new SourceText({ ...base, dockerfile: parseDockerfile(text) });
    } catch (error) {
      diagnostics.push({ kind: 'parse-error', file: file.path, message: `Dockerfile could not be parsed: ${(error as Error).message}` });
      return new SourceText(base);
    }
  }
  if (file.kind === 'markdown' && /\.mdx?$/i.test(file.path)) return new SourceText({ ...base, markdown: () => parseMarkdown(text) });
  if (file.kind === 'prisma' && parsePrisma) {
    try {
      return new SourceText({ ...base, prisma: parsePrisma(text) });
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      const line = (error as { token?: { startLine?: number } }).token?.startLine;
      diagnostics.push({ kind: 'parse-error', file: file.path, message: `Prisma schema could not be parsed${line ? ` at line ${line}` : ''}: ${message}` });
      return new SourceText(base);
    }
  }
  return new SourceText(base);
}

export function indexParsedFiles(files: ParsedFile[]): ParsedFiles {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const byKind = new Map<FileKind, ParsedFile[]>();
  for (const f of files) {
    const list = byKind.get(f.kind) ?? [];
    list.push(f);
    byKind.set(f.kind, list);
  }
  return {
    all: files,
    get: (p) => byPath.get(p),
    ofKind(kind, options = {}) {
      let list = byKind.get(kind) ?? [];
      if (options.includeTests === false) list = list.filter((f) => !f.isTest);
      const needles = options.containing;
      if (needles?.length) list = list.filter((f) => needles.some((n) => f.text.includes(n)));
      return list;
    },
  };
}
