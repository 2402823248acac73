/** Prisma models from the parsed `.prisma` files (see parse/prisma-schema.ts). */
import type { ParsedFile, ParsedFiles, PrismaAttribute, PrismaBlock } from '../../model/parsed-file.ts';
import type { DatabaseEngine, IndexedBy, OrmField, OrmFieldType, OrmIndex, OrmModel, OrmRelation } from '../orm-models.ts';

const SCALARS: Record<string, OrmFieldType> = {
  String: 'string',
  Int: 'integer',
  BigInt: 'integer',
  Float: 'float',
  Decimal: 'decimal',
  Boolean: 'boolean',
  DateTime: 'datetime',
  Json: 'json',
  Bytes: 'binary',
};
/** `@db.*` native types that change the normalised type. */
const NATIVE: [RegExp, OrmFieldType][] = [
  [/^db\.(Text|MediumText|LongText|TinyText|NText)$/, 'text'],
  [/^db\.(Uuid|UniqueIdentifier)$/, 'uuid'],
  [/^db\.(Date)$/, 'date'],
  [/^db\.(Time|Timetz)$/, 'time'],
  [/^db\.(JsonB|Json)$/, 'json'],
];

const unquote = (text: string | undefined) => (text ?? '').replace(/^"(.*)"$/s, '$1');
const attr = (attributes: PrismaAttribute[], name: string) => attributes.find((a) => a.name === name);
/** A named argument, or the first positional one (`@@index([a, b])`, `@@index(fields: [a, b])`). */
const argument = (a: PrismaAttribute | undefined, key: string) => a?.args.find((x) => x.key === key) ?? a?.args.find((x) => !x.key);

export function extractPrismaModels(files: ParsedFiles): OrmModel[] {
  const schemaFiles = files.ofKind('prisma', { includeTests: false }).filter((f) => f.prisma);
  // A schema may be split over several files (prismaSchemaFolder): enums and models are shared.
  const blocks = schemaFiles.flatMap((file) => file.prisma!.map((block) => ({ file, block })));
  const enums = new Map(blocks.filter(({ block }) => block.kind === 'enum').map(({ block }) => [block.name, block.values]));
  const modelNames = new Set(blocks.filter(({ block }) => block.kind === 'model' || block.kind === 'view').map(({ block }) => block.name));
  return blocks.filter(({ block }) => block.kind === 'model').map(({ file, block }) => toModel(file, block, enums, modelNames));
}

function toModel(file: ParsedFile, block: PrismaBlock, enums: Map<string, string[]>, modelNames: Set<string>): OrmModel {
  const table = unquote(argument(attr(block.attributes, 'map'), 'name')?.value) || block.name;
  const columnOf = new Map<string, string>();
  for (const f of block.fields) columnOf.set(f.name, unquote(argument(attr(f.attributes, 'map'), 'name')?.value) || f.name);
  const col = (name: string) => columnOf.get(name) ?? name;

  const indexes: OrmIndex[] = [];
  let primaryKey: string[] = [];
  for (const a of block.attributes) {
    const fields = argument(a, 'fields')?.list;
    if (!fields) continue;
    if (a.name === 'id') primaryKey = fields.map(col);
    if (a.name === 'index' || a.name === 'unique')
      indexes.push({ columns: fields.map(col), unique: a.name === 'unique', name: unquote(a.args.find((x) => x.key === 'name' || x.key === 'map')?.value) || undefined, at: file.locateLines(a.line) });
  }

  const fields: OrmField[] = [];
  const relations: OrmRelation[] = [];
  const foreignKeys = new Map<string, string>();
  for (const f of block.fields) {
    if (!modelNames.has(f.type)) continue;
    const relation = attr(f.attributes, 'relation');
    const own = argument(relation, 'fields')?.list;
    const unique = own?.some((name) => block.fields.find((x) => x.name === name)?.attributes.some((a) => a.name === 'unique'));
    relations.push({ name: f.name, target: f.type, kind: f.list ? 'one-to-many' : own ? (unique ? 'one-to-one' : 'many-to-one') : 'unknown', at: file.locateLines(f.line) });
    for (const name of own ?? []) foreignKeys.set(name, f.type);
  }
  for (const f of block.fields) {
    if (modelNames.has(f.type)) continue;
    const column = col(f.name);
    const isPk = !!attr(f.attributes, 'id') || (primaryKey.length === 1 && primaryKey[0] === column);
    const isUnique = !!attr(f.attributes, 'unique');
    let indexedBy: IndexedBy | undefined = isPk ? 'primary-key' : isUnique ? 'unique' : undefined;
    if (!indexedBy && primaryKey[0] === column) indexedBy = 'composite';
    if (!indexedBy) {
      const leading = indexes.find((i) => i.columns[0] === column);
      if (leading) indexedBy = leading.columns.length > 1 ? 'composite' : leading.unique ? 'unique' : 'index';
    }
    const native = f.attributes.find((a) => a.name.startsWith('db.'));
    let type: OrmFieldType = enums.has(f.type) ? 'enum' : (SCALARS[f.type] ?? 'other');
    if (native) for (const [pattern, t] of NATIVE) if (pattern.test(native.name)) type = t;
    if (f.list && type !== 'enum') type = 'array';
    const target = foreignKeys.get(f.name);
    const defaultValue = argument(attr(f.attributes, 'default'), 'value')?.value ?? '';
    fields.push({
      name: f.name,
      column,
      type,
      rawType: `${f.type}${f.list ? '[]' : f.optional ? '?' : ''}${native ? ` @${native.name}${native.args.length ? `(${native.args.map((a) => a.value).join(', ')})` : ''}` : ''}`,
      primaryKey: isPk,
      unique: isUnique,
      nullable: f.optional,
      indexed: !!indexedBy,
      ...(indexedBy ? { indexedBy } : {}),
      ...(target ? { foreignKey: { target } } : {}),
      ...(enums.has(f.type) ? { enumeration: { name: f.type, values: enums.get(f.type)!, source: 'database' as const } } : {}),
      ...(attr(f.attributes, 'updatedAt') ? { autoTimestamp: 'update' as const } : /^now\(\)$/.test(defaultValue) ? { autoTimestamp: 'create' as const } : {}),
      ...(/^"(.*)"$/s.test(defaultValue) ? { defaultValue: unquote(defaultValue) } : {}),
      at: file.locateLines(f.line),
    });
  }
  return {
    orm: 'prisma',
    name: block.name,
    table,
    file: file.path,
    at: file.locateLines(block.line),
    endLine: block.endLine,
    fields,
    indexes,
    relations,
  };
}

/** `provider = "postgresql"` of the datasources. */
export function prismaDatasourceProviders(files: ParsedFiles): DatabaseEngine[] {
  const out: DatabaseEngine[] = [];
  for (const file of files.ofKind('prisma', { includeTests: false }))
    for (const block of file.prisma ?? []) {
      if (block.kind !== 'datasource') continue;
      const provider = unquote(block.assignments.provider);
      if (provider === 'postgresql' || provider === 'postgres') out.push('postgresql');
      else if (provider === 'mysql') out.push('mysql');
      else if (provider === 'sqlite') out.push('sqlite');
      else if (provider === 'sqlserver') out.push('sqlserver');
      else if (provider === 'mongodb') out.push('mongodb');
      else if (provider === 'cockroachdb') out.push('cockroachdb');
    }
  return out;
}
