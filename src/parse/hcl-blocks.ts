/**
 * A small reader for the block structure of HCL (Terraform `.tf`, Nomad `.nomad` / `.hcl`
 * files): each `keyword "label" "label" { … }` block with its line range and body, and the
 * top-level attributes of a body. It reads what operations facts need (resource types,
 * `desired_count = 2`, `backup_retention_period = 0`), not full HCL expressions: values are
 * returned as written.
 */

export interface HclBlock {
  /** `resource`, `module`, `job`, `group`, `scaling` … */
  keyword: string;
  /** Quoted labels: `["aws_db_instance", "main"]`. */
  labels: string[];
  /** 1-based lines of the opening and closing braces. */
  startLine: number;
  endLine: number;
  /** The text between the braces. */
  body: string;
  /** 1-based line where the body starts (the opening brace's line). */
  bodyLine: number;
}

const BLOCK_HEAD = /^[ \t]*([A-Za-z_][\w-]*)((?:[ \t]+"[^"\n]*"|[ \t]+[A-Za-z_][\w-]*)*)[ \t]*\{/gm;

/** Blocks at the top level of `text`; nested blocks: `hclBlocks(block.body, block.bodyLine - 1)`. */
export function hclBlocks(text: string, lineOffset = 0): HclBlock[] {
  const out: HclBlock[] = [];
  const clean = blankComments(text);
  BLOCK_HEAD.lastIndex = 0;
  let searchFrom = 0;
  for (;;) {
    BLOCK_HEAD.lastIndex = searchFrom;
    const m = BLOCK_HEAD.exec(clean);
    if (!m) break;
    const open = m.index + m[0].length - 1;
    const close = matchingBrace(clean, open);
    if (close < 0) break;
    const labels = [...m[2].matchAll(/"([^"\n]*)"|([A-Za-z_][\w-]*)/g)].map((l) => l[1] ?? l[2]);
    const startLine = lineAt(text, m.index + (m[0].length - m[0].trimStart().length)) + lineOffset;
    out.push({
      keyword: m[1],
      labels,
      startLine,
      endLine: lineAt(text, close) + lineOffset,
      body: text.slice(open + 1, close),
      bodyLine: lineAt(text, open) + lineOffset,
    });
    searchFrom = close + 1;
  }
  return out;
}

/** Top-level `name = value` attributes of a block body (nested blocks skipped), value as written. */
export function hclAttributes(body: string, bodyLine = 1): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  const clean = blankComments(body);
  let depth = 0;
  let depthAtLineStart = 0;
  let lineStart = 0;
  let line = bodyLine;
  for (let i = 0; i <= clean.length; i++) {
    const ch = clean[i];
    if (i === clean.length || ch === '\n') {
      if (depth === 0 && depthAtLineStart === 0) {
        const cleanLine = clean.slice(lineStart, i);
        const m = /^\s*([A-Za-z_][\w-]*)\s*=\s*\S/.exec(cleanLine);
        if (m && !out.has(m[1])) {
          // Positions match the original (comments and string contents were blanked in place).
          const value = body.slice(lineStart + m[0].length - 1, lineStart + cleanLine.trimEnd().length).trim();
          out.set(m[1], { value: value.replace(/^"(.*)"$/, '$1'), line });
        }
      }
      lineStart = i + 1;
      depthAtLineStart = depth;
      line++;
      continue;
    }
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth = Math.max(0, depth - 1);
  }
  return out;
}

/** Comments and string contents replaced by spaces of the same length, so braces inside them do not count. */
function blankComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '#' || (ch === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (ch === '/' && text[i + 1] === '*') {
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) {
        out += text[i] === '\n' ? '\n' : ' ';
        i++;
      }
      out += '  ';
      i += 2;
    } else if (ch === '"') {
      out += '"';
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') {
        out += text[i] === '\\' ? ' ' : /[{}[\]#]/.test(text[i]) ? ' ' : text[i];
        if (text[i] === '\\' && i + 1 < text.length) {
          out += ' ';
          i++;
        }
        i++;
      }
      if (i < text.length) {
        out += text[i];
        i++;
      }
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
