import type { Document } from 'yaml';
import type { Location } from './finding.ts';
import type { SyntaxNode, SyntaxRule } from '../parse/syntax.ts';

export type { SyntaxNode, SyntaxRule };

/** What a file is, decided once by discover/ from its name. */
export type FileKind =
  | 'python'
  | 'js' // .js .jsx .mjs .cjs .ts .tsx .mts .cts
  | 'yaml'
  | 'json'
  | 'env'
  | 'dockerfile'
  | 'markdown'
  | 'toml'
  | 'requirements'
  | 'prisma' // schema.prisma and the files of a prismaSchemaFolder
  | 'text';

export type SourceLanguage = 'python' | 'typescript' | 'tsx' | 'javascript';

/** One instruction of a Dockerfile (`RUN`, `ENV`, `COPY` …) with its arguments as the parser split them. */
export interface DockerInstruction {
  /** Upper-case keyword: `FROM`, `RUN`, `ENV`, `ARG`, `COPY`, `ADD`, `USER`, `HEALTHCHECK` … */
  keyword: string;
  /** Arguments after the keyword, continuation lines joined. */
  args: string[];
  /** The instruction's source text, continuations included. */
  text: string;
  startLine: number;
  endLine: number;
  /** Build stage index: 0 for the first `FROM`, -1 before any `FROM` (ARGs for the base image). */
  stage: number;
}

/** A block of a Markdown document (README, docs/), in document order. */
export interface MarkdownBlock {
  kind: 'heading' | 'paragraph' | 'listItem' | 'tableRow' | 'code' | 'html';
  /** Plain text (inline code and link text kept, markup dropped); a code block's or HTML block's raw content. */
  text: string;
  line: number;
  endLine: number;
  /** Heading level (1–6). */
  depth?: number;
  /** A fenced code block's info string (`bash`, `env`). */
  lang?: string;
  /** A table row's cells, as plain text. */
  cells?: string[];
  /** The first row of a table. */
  header?: boolean;
  /** A task-list item (`- [x]` true, `- [ ]` false), or a block inside one. */
  checked?: boolean;
  /** The headings above the block, outermost first. */
  section: string[];
  /** Inline code spans of the block. */
  inlineCode: { text: string; line: number }[];
  /** Links and images of the block (badges are images inside links). */
  links: { url: string; text: string; line: number; image: boolean }[];
}

/** An attribute of a Prisma field or block: `@unique`, `@db.VarChar(255)`, `@@index([a, b])`, `@relation(fields: [aId], references: [id])`. */
export interface PrismaAttribute {
  /** With its group, without `@`: `unique`, `db.VarChar`, `index`, `relation`. */
  name: string;
  /** Arguments in order; `key` for named ones (`fields: [aId]`). */
  args: { key?: string; value: string; list?: string[] }[];
  line: number;
}

export interface PrismaField {
  name: string;
  /** The type as written without `?`/`[]`: `String`, `Role`, `User`, `Unsupported`. */
  type: string;
  optional: boolean;
  list: boolean;
  attributes: PrismaAttribute[];
  line: number;
}

/** A top-level block of a Prisma schema. */
export interface PrismaBlock {
  kind: 'model' | 'view' | 'type' | 'enum' | 'datasource' | 'generator';
  name: string;
  line: number;
  endLine: number;
  /** model / view / type: fields. */
  fields: PrismaField[];
  /** model / view / type: block attributes (`@@index`, `@@map`); enum: `@@map`. */
  attributes: PrismaAttribute[];
  /** enum: the values (database names where `@map` renames them). */
  values: string[];
  /** datasource / generator: `provider`, `url` … as written. */
  assignments: Record<string, string>;
}

/** One `KEY=value` line of a dotenv file. */
export interface EnvEntry {
  key: string;
  value: string;
  line: number;
}

export interface ParsedFile {
  /** Relative to the audit root, `/` separators. */
  readonly path: string;
  readonly kind: FileKind;
  readonly language?: SourceLanguage;
  readonly text: string;
  readonly lineCount: number;
  /** Test code (tests/ folders, test_*.py, *.test.ts …): rules may lower severity or skip. */
  readonly isTest: boolean;
  /** Root of the syntax tree, for python and js files that parsed. */
  readonly ast?: SyntaxNode;
  /** YAML documents with source ranges, for yaml files that parsed. */
  readonly yaml?: Document.Parsed[];
  /** Instructions of a Dockerfile that parsed. */
  readonly dockerfile?: DockerInstruction[];
  /** Entries of a dotenv file. */
  readonly env?: EnvEntry[];
  /** The table of a TOML file that parsed (pyproject.toml, fly.toml, Pipfile …); no positions: find keys with `line()`. */
  readonly toml?: Record<string, unknown>;
  /** The value of a JSON file that parsed (package.json, tsconfig.json, coverage-final.json …). */
  readonly json?: unknown;
  /** Blocks of a Markdown file (.md, .mdx) that parsed. */
  readonly markdown?: MarkdownBlock[];
  /** The blocks of a Prisma schema that parsed. */
  readonly prisma?: PrismaBlock[];
  /** 1-based line text ('' past the end). */
  line(n: number): string;
  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; column: number };
  /** Location of a syntax node, with its snippet. */
  locate(node: SyntaxNode, note?: string): Location;
  /** Location of a line range, with its snippet. */
  locateLines(startLine: number, endLine?: number, note?: string): Location;
  /** Location of a character-offset range (YAML nodes carry offsets). */
  locateOffsets(start: number, end: number, note?: string): Location;
  /** All matches of an ast-grep rule (or pattern string) in this file; [] for non-source files. */
  findAll(rule: SyntaxRule | string): SyntaxNode[];
}

export interface ParsedFiles {
  readonly all: readonly ParsedFile[];
  /** Files of a kind, optionally only those whose text contains at least one of the literals (cheap pre-filter). */
  ofKind(kind: FileKind, options?: { containing?: string[]; includeTests?: boolean }): ParsedFile[];
  get(path: string): ParsedFile | undefined;
}
