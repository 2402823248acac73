/**
 * Prisma schema files (`schema.prisma`, the files of a `prismaSchemaFolder`) into plain blocks
 * with line numbers, through @mrleebo/prisma-ast (the Chevrotain-based parser most Prisma tooling
 * uses). Only this module knows that library's node shapes; facts read `PrismaBlock`s.
 */
import type { Attribute, BlockAttribute, Field, Func, KeyValue, Schema, Value } from '@mrleebo/prisma-ast';
import type { PrismaAttribute, PrismaBlock, PrismaField } from '../model/parsed-file.ts';

type Located = { location?: { startLine?: number } };

let loaded: Promise<(text: string) => Schema> | undefined;

/**
 * The library's `getSchema` bound to a parser with location tracking. Loaded on first use only:
 * importing the library builds its grammar (about a second), which audits of repositories without
 * a Prisma schema should not pay. The ESM build is imported because the package's `main` is a
 * CommonJS build that `require`s chevrotain, which is ESM-only (that needs Node's require(esm),
 * absent before Node 20.19 and under tsx's CommonJS loader).
 */
function loadGetSchema(): Promise<(text: string) => Schema> {
  loaded ??= import('@mrleebo/prisma-ast/dist/prisma-ast.esm.js').then(({ getSchema, PrismaParser, VisitorClassFactory }) => {
    const parser = new PrismaParser({ nodeLocationTracking: 'full' });
    const Visitor = VisitorClassFactory(parser);
    const visitor = new Visitor();
    return (text: string) => getSchema(text, { parser, visitor });
  });
  return loaded;
}

/** A Prisma schema parser: call once per audit that has `.prisma` files, then parse each file with the result. */
export async function loadPrismaSchemaParser(): Promise<(text: string) => PrismaBlock[]> {
  const getSchema = await loadGetSchema();
  return (text) => readSchema(getSchema, text);
}

/** The blocks of a Prisma schema; throws with the parser's message when the text is not a schema. */
function readSchema(getSchema: (text: string) => Schema, text: string): PrismaBlock[] {
  // The grammar wants a line break after `{` and before `}`; a final newline keeps the last block valid.
  const schema = getSchema(text.endsWith('\n') ? text : `${text}\n`);
  const lines = text.split('\n');
  const out: PrismaBlock[] = [];
  for (const block of schema.list) {
    if (block.type === 'comment' || block.type === 'break') continue;
    const line = lineOf(block as Located) ?? 1;
    const base: PrismaBlock = { kind: block.type, name: block.name, line, endLine: closingLine(lines, line), fields: [], attributes: [], values: [], assignments: {} };
    if (block.type === 'model' || block.type === 'view' || block.type === 'type') {
      for (const property of block.properties) {
        if (property.type === 'field') base.fields.push(toField(property));
        else if (property.type === 'attribute') base.attributes.push(toAttribute(property));
      }
    } else if (block.type === 'enum') {
      for (const item of block.enumerators) {
        if (item.type === 'enumerator') {
          const mapped = item.attributes?.find((a) => a.name === 'map');
          base.values.push(mapped ? (toAttribute(mapped).args[0]?.value.replace(/^"(.*)"$/s, '$1') ?? item.name) : item.name);
        } else if (item.type === 'attribute') base.attributes.push(toAttribute(item));
      }
    } else {
      for (const assignment of block.assignments) if (assignment.type === 'assignment') base.assignments[assignment.key] = valueText(assignment.value);
    }
    out.push(base);
  }
  return out;
}

function toField(field: Field): PrismaField {
  const type = typeof field.fieldType === 'string' ? field.fieldType : field.fieldType.name;
  return {
    name: field.name,
    type,
    optional: !!field.optional,
    list: !!field.array,
    attributes: (field.attributes ?? []).map(toAttribute),
    line: lineOf(field as Located) ?? 0,
  };
}

function toAttribute(attribute: Attribute | BlockAttribute): PrismaAttribute {
  const args = (attribute.args ?? []).map((arg) => {
    const value = arg.value as KeyValue | Value | Func;
    if (value && typeof value === 'object' && !Array.isArray(value) && value.type === 'keyValue') return argOf(value.value, value.key);
    return argOf(value as Value);
  });
  return { name: attribute.group ? `${attribute.group}.${attribute.name}` : attribute.name, args, line: lineOf(attribute as Located) ?? 0 };
}

function argOf(value: Value, key?: string): PrismaAttribute['args'][number] {
  const list = listOf(value);
  return { ...(key ? { key } : {}), value: valueText(value), ...(list ? { list } : {}) };
}

/** `[a, b(sort: Desc)]` → ['a', 'b']: the names in an array argument. */
function listOf(value: Value): string[] | undefined {
  const items = Array.isArray(value) ? value : value && typeof value === 'object' && value.type === 'array' ? value.args : undefined;
  return items?.map((item) => (item && typeof item === 'object' && !Array.isArray(item) && item.type === 'function' ? item.name : unquote(valueText(item))));
}

function valueText(value: Value | undefined): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(valueText).join(', ')}]`;
  switch (value.type) {
    case 'array':
      return `[${value.args.map(valueText).join(', ')}]`;
    case 'function':
      return `${value.name}(${(value.params ?? []).map(valueText).join(', ')})`;
    case 'object':
      return `{ ${value.properties.map((p) => `${p.key}: ${valueText(p.value)}`).join(', ')} }`;
    default:
      return '';
  }
}

const unquote = (text: string) => text.replace(/^"(.*)"$/s, '$1');

function lineOf(node: Located): number | undefined {
  return node.location?.startLine;
}

/** The line of the `}` that closes a block starting at `line`. */
function closingLine(lines: string[], line: number): number {
  for (let i = line; i < lines.length; i++) if (/^\s*}/.test(lines[i])) return i + 1;
  return lines.length;
}
