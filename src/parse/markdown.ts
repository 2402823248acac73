/**
 * Markdown documents (README, docs/) as a flat list of blocks with their lines, for the claims
 * check: headings, paragraphs, list items, table rows, code blocks, block quotes. Parsed with
 * mdast-util-from-markdown and its GitHub-flavoured extensions (tables, task lists, autolinks):
 * the CommonMark parser of the remark ecosystem, so HTML comments, indented code and nested
 * lists come out as a Markdown renderer shows them.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type { MarkdownBlock } from '../model/parsed-file.ts';

interface MdNode {
  type: string;
  value?: string;
  url?: string;
  alt?: string | null;
  lang?: string | null;
  depth?: number;
  checked?: boolean | null;
  children?: MdNode[];
  position?: { start: { line: number }; end: { line: number } };
}

export function parseMarkdown(text: string): MarkdownBlock[] {
  const root = fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }) as unknown as MdNode;
  const blocks: MarkdownBlock[] = [];
  const headings: { depth: number; text: string }[] = [];
  const section = () => headings.map((h) => h.text);

  const push = (kind: MarkdownBlock['kind'], node: MdNode, inlineOf: MdNode[], extra: Partial<MarkdownBlock> = {}) => {
    const inline = collectInline(inlineOf);
    blocks.push({
      kind,
      text: extra.text ?? inline.text.replace(/\s+/g, ' ').trim(),
      line: node.position?.start.line ?? 1,
      endLine: node.position?.end.line ?? node.position?.start.line ?? 1,
      section: section(),
      inlineCode: inline.code,
      links: inline.links,
      ...extra,
    });
  };

  const visit = (node: MdNode, checked: boolean | null) => {
    switch (node.type) {
      case 'heading': {
        const text = collectInline(node.children ?? []).text.replace(/\s+/g, ' ').trim();
        while (headings.length && headings[headings.length - 1].depth >= (node.depth ?? 1)) headings.pop();
        push('heading', node, node.children ?? [], { depth: node.depth, text });
        headings.push({ depth: node.depth ?? 1, text });
        return;
      }
      case 'paragraph':
        push('paragraph', node, node.children ?? [], checked === null ? {} : { checked });
        return;
      case 'code':
        push('code', node, [], { text: node.value ?? '', lang: node.lang ?? undefined });
        return;
      case 'html':
        push('html', node, [], { text: node.value ?? '' });
        return;
      case 'listItem': {
        const own = node.checked ?? checked;
        const [first, ...rest] = node.children ?? [];
        if (first?.type === 'paragraph') push('listItem', node, first.children ?? [], { endLine: first.position?.end.line ?? node.position?.start.line ?? 1, ...(own === null ? {} : { checked: own }) });
        for (const child of first?.type === 'paragraph' ? rest : (node.children ?? [])) visit(child, own);
        return;
      }
      case 'table': {
        (node.children ?? []).forEach((row, i) => {
          const cells = (row.children ?? []).map((cell) => collectInline(cell.children ?? []));
          push('tableRow', row, [], {
            text: cells.map((c) => c.text.trim()).join(' | '),
            cells: cells.map((c) => c.text.replace(/\s+/g, ' ').trim()),
            header: i === 0,
            inlineCode: cells.flatMap((c) => c.code),
            links: cells.flatMap((c) => c.links),
          });
        });
        return;
      }
      case 'blockquote':
      case 'list':
      case 'root':
      default:
        for (const child of node.children ?? []) visit(child, checked);
    }
  };
  visit(root, null);
  return blocks;
}

/** The plain text of inline content (inline code kept as written, images by alt text), its code spans and its links. */
function collectInline(nodes: MdNode[]): { text: string; code: MarkdownBlock['inlineCode']; links: MarkdownBlock['links'] } {
  const code: MarkdownBlock['inlineCode'] = [];
  const links: MarkdownBlock['links'] = [];
  const walk = (list: MdNode[]): string =>
    list
      .map((n) => {
        const line = n.position?.start.line ?? 1;
        switch (n.type) {
          case 'text':
            return n.value ?? '';
          case 'inlineCode':
            code.push({ text: n.value ?? '', line });
            return n.value ?? '';
          case 'image':
            links.push({ url: n.url ?? '', text: n.alt ?? '', line, image: true });
            return n.alt ?? '';
          case 'link': {
            const text = walk(n.children ?? []);
            links.push({ url: n.url ?? '', text, line, image: false });
            return text;
          }
          case 'break':
            return ' ';
          case 'html':
            return '';
          default:
            return walk(n.children ?? []);
        }
      })
      .join('');
  return { text: walk(nodes), code, links };
}
