import { parseAllDocuments, type Document } from 'yaml';
import type { Location } from '../model/finding.ts';
import type { DockerInstruction, EnvEntry, FileKind, MarkdownBlock, ParsedFile, PrismaBlock, SourceLanguage, SyntaxNode, SyntaxRule } from '../model/parsed-file.ts';
import { findAllIn } from './syntax.ts';

const MAX_SNIPPET_LINES = 6;
const MAX_SNIPPET_CHARS = 400;

export interface ParsedFileInit {
  path: string;
  kind: FileKind;
  language?: SourceLanguage;
  text: string;
  isTest: boolean;
  ast?: SyntaxNode;
  yaml?: Document.Parsed[];
  dockerfile?: DockerInstruction[];
  env?: EnvEntry[];
  toml?: Record<string, unknown>;
  json?: unknown;
  /** Parses the Markdown on first use (most audits read only a few documents). */
  markdown?: () => MarkdownBlock[];
  prisma?: PrismaBlock[];
}

export class SourceText implements ParsedFile {
  readonly path: string;
  readonly kind: FileKind;
  readonly language?: SourceLanguage;
  readonly text: string;
  readonly isTest: boolean;
  readonly ast?: SyntaxNode;
  readonly yaml?: Document.Parsed[];
  readonly dockerfile?: DockerInstruction[];
  readonly env?: EnvEntry[];
  readonly toml?: Record<string, unknown>;
  readonly json?: unknown;
  readonly prisma?: PrismaBlock[];
  readonly lineCount: number;
  private readonly lineStarts: number[];
  private readonly parseMarkdown?: () => MarkdownBlock[];
  private markdownBlocks?: MarkdownBlock[];

  /** Blocks of a Markdown document, parsed once on first use ([] when the parser fails on it). */
  get markdown(): MarkdownBlock[] | undefined {
    if (!this.parseMarkdown) return undefined;
    if (!this.markdownBlocks) {
      try {
        this.markdownBlocks = this.parseMarkdown();
      } catch {
        this.markdownBlocks = [];
      }
    }
    return this.markdownBlocks;
  }

  constructor(init: ParsedFileInit) {
    this.path = init.path;
    this.kind = init.kind;
    this.language = init.language;
    this.text = init.text;
    this.isTest = init.isTest;
    this.ast = init.ast;
    this.yaml = init.yaml;
    this.dockerfile = init.dockerfile;
    this.env = init.env;
    this.toml = init.toml;
    this.json = init.json;
    this.parseMarkdown = init.markdown;
    this.prisma = init.prisma;
    this.lineStarts = [0];
    for (let i = 0; i < init.text.length; i++) if (init.text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    this.lineCount = init.text.length === 0 ? 0 : this.lineStarts.length - (init.text.endsWith('\n') ? 1 : 0);
  }

  line(n: number): string {
    if (n < 1 || n > this.lineStarts.length) return '';
    const start = this.lineStarts[n - 1];
    const end = n < this.lineStarts.length ? this.lineStarts[n] - 1 : this.text.length;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }

  locate(node: SyntaxNode, note?: string): Location {
    const range = node.range();
    return this.withSnippet(
      {
        file: this.path,
        startLine: range.start.line + 1,
        endLine: range.end.line + 1,
        startColumn: range.start.column + 1,
        endColumn: range.end.column + 1,
      },
      note,
    );
  }

  locateLines(startLine: number, endLine = startLine, note?: string): Location {
    return this.withSnippet({ file: this.path, startLine, endLine }, note);
  }

  locateOffsets(start: number, end: number, note?: string): Location {
    const from = this.position(start);
    const to = this.position(Math.max(start, end - 1));
    return this.withSnippet(
      { file: this.path, startLine: from.line, endLine: to.line, startColumn: from.column, endColumn: to.column + 1 },
      note,
    );
  }

  findAll(rule: SyntaxRule | string): SyntaxNode[] {
    return this.ast ? findAllIn(this.ast, rule) : [];
  }

  private withSnippet(location: Location, note?: string): Location {
    const start = location.startLine ?? 1;
    const end = Math.min(location.endLine ?? start, start + MAX_SNIPPET_LINES - 1);
    const lines: string[] = [];
    for (let n = start; n <= end; n++) lines.push(this.line(n));
    let snippet = dedent(lines).join('\n');
    if (snippet.length > MAX_SNIPPET_CHARS) snippet = `${snippet.slice(0, MAX_SNIPPET_CHARS)}…`;
    return note ? { ...location, snippet, note } : { ...location, snippet };
  }
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^\s*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut).trimEnd());
}

export function parseYaml(text: string): Document.Parsed[] {
  return parseAllDocuments(text, { keepSourceTokens: false, uniqueKeys: false }) as Document.Parsed[];
}
