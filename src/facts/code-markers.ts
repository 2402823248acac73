/**
 * Work-in-progress markers in shipped code: `TODO`, `FIXME`, `XXX`, `HACK` and "placeholder" in
 * comments (comment nodes of the syntax tree: a string that says "TODO" is data) of hand-written
 * Python and JS/TS sources (not tests, migrations or generated code). `countTodoMarkers` is the
 * figure for `report.metrics.todoMarkers` (the code-metrics assessment lists the first ones); `codeMarkers` lists them (with what they are about) for the
 * rule that reports the ones in security code and request handlers. Computed once per file set.
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../model/parsed-file.ts';
import { isHandWrittenSource } from './code-structure.ts';

export type MarkerKind = 'TODO' | 'FIXME' | 'XXX' | 'HACK' | 'placeholder';

export interface CodeMarker {
  file: ParsedFile;
  kind: MarkerKind;
  /** The comment text after the marker (`verify the Clerk signature`), trimmed. */
  text: string;
  /** The comment node. */
  node: SyntaxNode;
  at: Location;
}

const PLACEHOLDER_MARKER = /^\W*placeholder\b|\b(this is (just |only )?a|temporary|temp|a) placeholder (for|until|implementation|response|value)\b|\bplaceholder (until|for now|implementation|only|response|data|logic|code)\b|\b(is|are|just) a placeholder\b/i;
const MARKER = /\b(TODO|FIXME|HACK)\b|\bXXX\b(?![-X])|\bplaceholder\b/i;
/** Folders of generated or vendored code that discovery does not skip by name (generated headers, names and migrations: isHandWrittenSource). */
const GENERATED = /(^|\/)(generated|__generated__|gen|vendor)\//;

const memo = new WeakMap<ParsedFiles, CodeMarker[]>();

/** Every marker in shipped source comments, by file path and line. */
export function codeMarkers(files: ParsedFiles): CodeMarker[] {
  let markers = memo.get(files);
  if (markers) return markers;
  markers = [];
  const needles = ['TODO', 'FIXME', 'XXX', 'HACK', 'todo', 'fixme', 'placeholder', 'Placeholder', 'PLACEHOLDER', 'Todo'];
  for (const file of [...files.ofKind('python', { containing: needles, includeTests: false }), ...files.ofKind('js', { containing: needles, includeTests: false })]) {
    if (!file.ast || GENERATED.test(file.path) || !isHandWrittenSource(file)) continue;
    for (const comment of file.findAll({ kind: 'comment' })) {
      const text = comment.text();
      const m = MARKER.exec(text);
      if (!m) continue;
      // Only the uppercase conventions are markers (`todo list` in prose is not), plus "placeholder".
      const word = m[0];
      const kind: MarkerKind | undefined = /^placeholder$/i.test(word) ? 'placeholder' : word === word.toUpperCase() ? (word as MarkerKind) : undefined;
      if (!kind) continue;
      // "placeholder" marks unfinished code only when it says so, not in prose about placeholder values.
      if (kind === 'placeholder' && !PLACEHOLDER_MARKER.test(text.replace(/^(#|\/\/|\/\*+)\s*/, ''))) continue;
      const after = text
        .slice((m.index ?? 0) + word.length)
        .replace(/^\s*(\([^)]*\))?\s*[:\-–]?\s*/, '')
        .replace(/\*\/\s*$/, '')
        .trim();
      markers.push({ file, kind, text: kind === 'placeholder' ? text.replace(/^(#|\/\/|\/\*+)\s*/, '').replace(/\*\/\s*$/, '').trim() : after, node: comment, at: file.locate(comment) });
    }
  }
  markers.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : (a.at.startLine ?? 0) - (b.at.startLine ?? 0)));
  memo.set(files, markers);
  return markers;
}

/** The number of TODO / FIXME / XXX / HACK / placeholder markers in shipped code (`report.metrics.todoMarkers`). */
export function countTodoMarkers(files: ParsedFiles): number {
  return codeMarkers(files).length;
}

/** What a marker is about, when it is about security or money: the topic for a message. */
export function securityTopicOf(text: string): string | undefined {
  const topics: [RegExp, string][] = [
    [/signature|signing|hmac|svix|verify (the )?(webhook|request|payload|event)/i, 'signature verification'],
    [/\b(auth|authn|authenticat\w*|login|logout|sso|oauth|jwt|session)\b/i, 'authentication'],
    [/permission|authori[sz]|\brole\b|\badmin\b|access control|\bacl\b|owner|\bowns?\b|tenant/i, 'authorization'],
    [/\b(csrf|xss|sanitiz\w*|sql|injection|escap\w+ (the )?(html|input|output|user\w*))\b/i, 'input handling'],
    [/validat/i, 'input validation'],
    [/rate.?limit|throttl|brute/i, 'rate limiting'],
    [/encrypt|decrypt|\bhash\w*|bcrypt|argon|crypto|\btls\b|\bssl\b|certificate/i, 'cryptography'],
    [/password|passwd|secret|credential|api.?key|\b(access|refresh|auth|api|bearer|reset|session)?.?tokens?\b/i, 'credentials'],
    [/idempot|replay(ed)? (attack|event|webhook)s?|duplicate (event|webhook|charge|payment|deliver(y|ies)|request|order)s?/i, 'idempotency'],
    [/payment|refund|charge|billing|invoice|payout|stripe/i, 'payments'],
    [/\bpii\b|\bphi\b|gdpr|hipaa|personal data|retention/i, 'personal data'],
    [/\bsecurity\b|\binsecure\b|vulnerab|\bcors\b/i, 'security'],
  ];
  return topics.find(([pattern]) => pattern.test(text))?.[1];
}
