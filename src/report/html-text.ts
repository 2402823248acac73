/**
 * Text into HTML for the single-file report. Everything is escaped first; the only markup that
 * reaches the page is what these functions build around escaped text. The Markdown subset is what
 * rule `why`/`fix` texts use: paragraphs, fenced code blocks, inline code, bold, lists.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape for HTML text and quoted attribute values. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` as unicode escapes (so no
 * `</script>` or `<!--` can end or confuse the block), and U+2028/U+2029 escaped too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Inline Markdown (code spans, bold) on escaped text: for messages and notes that carry `code` spans. */
export function inline(text: string): string {
  const parts: string[] = [];
  let rest = text;
  const span = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/;
  for (let m = span.exec(rest); m; m = span.exec(rest)) {
    parts.push(strong(esc(rest.slice(0, m.index))), `<code>${esc(m[2].trim() ? m[2].replace(/^ (.*) $/s, '$1') : m[2])}</code>`);
    rest = rest.slice(m.index + m[0].length);
  }
  parts.push(strong(esc(rest)));
  return parts.join('');
}

function strong(escaped: string): string {
  return escaped.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** A small, safe Markdown renderer: fenced code, bullet lists, paragraphs; inline code and bold. */
export function markdownToHtml(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  let paragraph: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(`<p>${inline(paragraph.join(' '))}</p>`);
    if (list.length) out.push(`<ul>${list.map((item) => `<li>${inline(item)}</li>`).join('')}</ul>`);
    paragraph = [];
    list = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)\s*$/.exec(line);
    if (fence) {
      flush();
      const marker = fence[2];
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith(marker); i++) body.push(lines[i]);
      out.push(`<pre><code${fence[3] ? ` data-lang="${esc(fence[3])}"` : ''}>${esc(body.join('\n'))}</code></pre>`);
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    if (bullet) {
      if (paragraph.length) {
        out.push(`<p>${inline(paragraph.join(' '))}</p>`);
        paragraph = [];
      }
      list.push(bullet[1]);
      continue;
    }
    if (list.length && /^\s{2,}\S/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`;
      continue;
    }
    if (list.length) flush();
    paragraph.push(line.trim());
  }
  flush();
  return out.join('\n');
}
