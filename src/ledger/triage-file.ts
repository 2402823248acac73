/**
 * `.shipgate/triage.yaml`: reviewed decisions about findings, keyed by fingerprint, meant to be
 * committed and reviewed like code. `shipgate triage` writes it; people may edit it by hand, and
 * their comments survive later writes (the `yaml` Document API keeps them). Entries are kept in a
 * stable order (file, rule, fingerprint) so diffs stay small.
 *
 * ```yaml
 * version: 1
 * findings:
 *   - fingerprint: 3f9a0c1d2b4e5f60
 *     rule: route-missing-auth
 *     title: Route without authentication
 *     file: backend/routers/internal.py
 *     status: accepted              # accepted | false-positive | wont-fix
 *     reason: reachable only from the VPC; the load balancer blocks it
 *     until: 2026-06-30             # optional: open again after this day
 *     by: Dana Reviewer             # optional
 *     date: 2026-01-15              # when it was triaged
 * ```
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parse as parsePlain, parseDocument, type Document, type YAMLMap } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../config/load-config.ts';
import { LEDGER_DIR, ledgerPathProblem } from './history.ts';

export const TRIAGE_FILE = `${LEDGER_DIR}/triage.yaml`;
export const TRIAGE_STATUSES = ['accepted', 'false-positive', 'wont-fix'] as const;
export type TriageStatus = (typeof TRIAGE_STATUSES)[number];

const isoDate = z.string().refine(isIsoDate, 'expected a date written YYYY-MM-DD');
const FIELDS = ['fingerprint', 'rule', 'title', 'file', 'status', 'reason', 'until', 'by', 'date'] as const;

const entrySchema = z.strictObject({
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/, 'expected the 16 hex digits of a finding fingerprint'),
  rule: z.string().min(1),
  title: z.string().optional(),
  file: z.string().optional(),
  status: z.enum(TRIAGE_STATUSES),
  reason: z.string().trim().min(1),
  until: isoDate.optional(),
  by: z.string().optional(),
  date: isoDate.optional(),
});

export type TriageEntry = z.infer<typeof entrySchema> & {
  /** Line of the entry in the triage file, for messages. */
  sourceLine?: number;
};

export interface TriageFile {
  /** Relative to the audit root. */
  path: string;
  entries: TriageEntry[];
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Load and validate the triage file of `root`; undefined when there is none. A bad entry is a ConfigError naming it. */
export async function loadTriageFile(root: string): Promise<TriageFile | undefined> {
  const unsafe = await ledgerPathProblem(root, TRIAGE_FILE);
  if (unsafe) throw new ConfigError(`${TRIAGE_FILE} cannot be read: ${unsafe}`);
  let text: string;
  try {
    text = await readFile(path.join(root, TRIAGE_FILE), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: `.shipgate` is a file, not a folder; the history write reports that.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`${TRIAGE_FILE} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return { path: TRIAGE_FILE, entries: parseTriageText(text) };
}

/** Validate the text of a triage file: every entry, with its position and the expected values in the message. */
export function parseTriageText(text: string, name = TRIAGE_FILE): TriageEntry[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    const error = doc.errors[0];
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new ConfigError(`${name} is not valid YAML (line ${line}): ${error.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${name}: expected a mapping with \`version: 1\` and a \`findings:\` list`);
  const top = raw as Record<string, unknown>;
  for (const key of Object.keys(top))
    if (key !== 'version' && key !== 'findings') throw new ConfigError(`${name}: unknown key "${key}"; allowed keys here: version, findings`);
  if (top.version !== undefined && top.version !== 1) throw new ConfigError(`${name}: version: expected 1 (this shipgate reads version 1 triage files)`);
  if (top.findings === null || top.findings === undefined) return [];
  if (!Array.isArray(top.findings)) throw new ConfigError(`${name}: findings: expected a list of entries (- fingerprint: …)`);

  const seq = doc.get('findings', true);
  const lineOf = (i: number): number | undefined => {
    const node = isSeq(seq) ? (seq.items[i] as { range?: [number, number, number] } | undefined) : undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  };
  const entries: TriageEntry[] = [];
  const seen = new Map<string, number>();
  top.findings.forEach((item: unknown, i) => {
    const line = lineOf(i);
    const where = `${name}: findings[${i}]${line ? ` (line ${line})` : ''}`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw new ConfigError(`${where}: expected an entry with fingerprint, rule, status and reason`);
    const fingerprint = (item as Record<string, unknown>).fingerprint;
    const label = typeof fingerprint === 'string' ? `${where}, fingerprint ${fingerprint}` : where;
    if (typeof fingerprint === 'number') throw new ConfigError(`${label}: fingerprint: YAML read the value as a number; quote it ("${String(fingerprint)}")`);
    const parsed = entrySchema.safeParse(item);
    if (!parsed.success) throw new ConfigError(`${label}: ${describeEntryIssue(parsed.error.issues[0], item as Record<string, unknown>)}`);
    const previous = seen.get(parsed.data.fingerprint);
    if (previous !== undefined) throw new ConfigError(`${label}: the same fingerprint is triaged twice (also findings[${previous}]); keep one entry`);
    seen.set(parsed.data.fingerprint, i);
    entries.push({ ...parsed.data, ...(line ? { sourceLine: line } : {}) });
  });
  return entries;
}

function describeEntryIssue(issue: z.core.$ZodIssue, item: Record<string, unknown>): string {
  if (issue.code === 'unrecognized_keys') return `unknown key "${issue.keys[0]}"; allowed keys: ${FIELDS.join(', ')}`;
  const key = String(issue.path[0] ?? '');
  const got = key in item ? ` (got ${JSON.stringify(item[key])})` : '';
  if (!(key in item)) return `${key}: missing; every entry needs fingerprint, rule, status and reason`;
  switch (key) {
    case 'status':
      return `status: expected one of ${TRIAGE_STATUSES.join(', ')}${got}`;
    case 'reason':
      return `reason: expected a non-empty text saying why${got}`;
    case 'until':
    case 'date':
      return `${key}: expected a date written YYYY-MM-DD${got}`;
    case 'fingerprint':
      return `fingerprint: expected the 16 hex digits of a finding fingerprint${got}`;
    default:
      return `${key}: expected a text${got}`;
  }
}

/** A decision to write: the entry's fields, in the order they appear in the file. */
export type TriageEntryInput = Omit<TriageEntry, 'sourceLine'>;

const HEADER = [
  ' shipgate triage: reviewed decisions about findings, keyed by fingerprint.',
  ' Each entry needs a reason; `until: YYYY-MM-DD` reopens the finding after that day.',
  ' Written by `shipgate triage`; hand edits and comments are kept. Commit this file.',
].join('\n');

/** Add or replace the entry for `entry.fingerprint`, keeping comments and the stable order. */
export function upsertTriageEntry(text: string | undefined, entry: TriageEntryInput): string {
  const doc = openDocument(text);
  const seq = findingsSeq(doc);
  const fields = Object.fromEntries(FIELDS.filter((k) => entry[k] !== undefined).map((k) => [k, entry[k]]));
  const existing = seq.items.find((item) => isMap(item) && item.get('fingerprint') === entry.fingerprint) as YAMLMap | undefined;
  if (existing) {
    // A new decision replaces the old one: fields it does not set (an old `until`) go.
    for (const key of FIELDS) if (entry[key] === undefined) existing.delete(key);
    for (const [key, value] of Object.entries(fields)) existing.set(key, scalarFor(doc, value));
  } else {
    const node = doc.createNode({}) as YAMLMap;
    for (const [key, value] of Object.entries(fields)) node.set(key, scalarFor(doc, value));
    seq.items.push(node);
  }
  sortEntries(seq.items);
  return doc.toString({ lineWidth: 0 });
}

/** Remove the entry for `fingerprint`; returns undefined when there is none. */
export function removeTriageEntry(text: string, fingerprint: string): string | undefined {
  const doc = openDocument(text);
  const seq = findingsSeq(doc);
  const index = seq.items.findIndex((item) => isMap(item) && item.get('fingerprint') === fingerprint);
  if (index < 0) return undefined;
  seq.items.splice(index, 1);
  return doc.toString({ lineWidth: 0 });
}

function openDocument(text: string | undefined): Document {
  if (text?.trim()) {
    // Validate first, so a hand-edited file with a bad entry is reported, not rewritten.
    parseTriageText(text);
    return parseDocument(text);
  }
  const doc = parseDocument('version: 1\nfindings: []\n');
  doc.commentBefore = HEADER;
  return doc;
}

function findingsSeq(doc: Document): { items: unknown[] } {
  if (!doc.has('version')) doc.set('version', 1);
  let seq = doc.get('findings', true);
  if (!isSeq(seq)) {
    seq = doc.createNode([]);
    doc.set('findings', seq);
  }
  const list = seq as { items: { commentBefore?: string }[]; flow?: boolean; commentBefore?: string | null };
  list.flow = false; // `findings: []` becomes a block list once it has entries
  // The yaml package attaches a comment above the first entry to the list itself; it belongs to
  // the entry, and must move with it when entries are sorted or removed.
  if (list.commentBefore && list.items[0]) {
    const first = list.items[0];
    first.commentBefore = first.commentBefore ? `${list.commentBefore}\n${first.commentBefore}` : list.commentBefore;
    list.commentBefore = undefined;
  }
  return list;
}

/** A value that would not read back as the same string (a fingerprint of digits only) is quoted. */
function scalarFor(doc: Document, value: unknown): unknown {
  const node = doc.createNode(value);
  if (typeof value === 'string' && (value === '' || parsePlain(value) !== value)) (node as { type?: string }).type = 'QUOTE_DOUBLE';
  return node;
}

function sortEntries(items: unknown[]): void {
  const key = (item: unknown): string => {
    if (!isMap(item)) return '\uffff';
    const get = (k: string) => String(item.get(k) ?? '');
    return `${get('file')}\u0000${get('rule')}\u0000${get('fingerprint')}`;
  };
  items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
