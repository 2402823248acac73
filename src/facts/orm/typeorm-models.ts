/** TypeORM entities: `@Entity` classes, their `@Column`s, `@Index`/`@Unique`, relations and join columns. */
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import { jsObjectProperty, jsStringValue } from '../../parse/js-syntax.ts';
import { toSnakeCase } from '../../parse/syntax.ts';
import type { DatabaseEngine, OrmField, OrmFieldType, OrmIndex, OrmModel, OrmRelation } from '../orm-models.ts';
import { markIndexed } from './python-models.ts';

const COLUMN_TYPES: [RegExp, OrmFieldType][] = [
  [/^(varchar|character varying|nvarchar|char|nchar|citext|string|tinytext)$/i, 'string'],
  [/^(text|mediumtext|longtext|ntext|clob)$/i, 'text'],
  [/^(int|integer|int2|int4|int8|smallint|bigint|tinyint|mediumint)$/i, 'integer'],
  [/^(float|float4|float8|double|double precision|real)$/i, 'float'],
  [/^(decimal|numeric|money)$/i, 'decimal'],
  [/^(boolean|bool)$/i, 'boolean'],
  [/^(timestamp|timestamptz|timestamp with time zone|timestamp without time zone|datetime|datetime2)$/i, 'datetime'],
  [/^date$/i, 'date'],
  [/^(time|timetz)$/i, 'time'],
  [/^interval$/i, 'interval'],
  [/^uuid$/i, 'uuid'],
  [/^(json|jsonb|simple-json)$/i, 'json'],
  [/^(bytea|blob|binary|varbinary|longblob)$/i, 'binary'],
  [/^(enum|simple-enum|set)$/i, 'enum'],
  [/^simple-array$/i, 'array'],
];
const TS_TYPES: [RegExp, OrmFieldType][] = [
  [/^string$/, 'string'],
  [/^number$/, 'integer'],
  [/^boolean$/, 'boolean'],
  [/^Date$/, 'datetime'],
  [/^(Buffer|Uint8Array)$/, 'binary'],
  [/^(Record<.*>|object|unknown|any)$/, 'json'],
];
const COLUMN_DECORATOR = /^(Column|PrimaryColumn|PrimaryGeneratedColumn|CreateDateColumn|UpdateDateColumn|DeleteDateColumn|VersionColumn|ObjectIdColumn)$/;

interface Decorator {
  name: string;
  args: SyntaxNode[];
  node: SyntaxNode;
}

function decoratorsOf(node: SyntaxNode | null | undefined): Decorator[] {
  const out: Decorator[] = [];
  for (const d of node?.children() ?? []) {
    if (d.kind() !== 'decorator') continue;
    const expr = d.children().find((c) => c.isNamed());
    if (expr?.kind() === 'call_expression') {
      const name = expr.field('function')?.text().split('.').pop() ?? '';
      out.push({ name, args: (expr.field('arguments')?.children() ?? []).filter((c) => c.isNamed() && c.kind() !== 'comment'), node: d });
    } else if (expr) out.push({ name: expr.text().split('.').pop() ?? '', args: [], node: d });
  }
  return out;
}

const objectArg = (d: Decorator | undefined) => d?.args.find((a) => a.kind() === 'object');
const prop = (d: Decorator | undefined, key: string) => jsObjectProperty(objectArg(d), key);
const stringList = (node: SyntaxNode | undefined) =>
  (node?.kind() === 'array' ? node.children() : []).map((c) => jsStringValue(c)).filter((v): v is string => v !== undefined);

/** Values of the project's TS enums (`enum Role { Admin = 'admin' }`) and string-literal union aliases (`type Plan = 'free' | 'pro'`). */
function tsEnums(files: ParsedFile[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of files) {
    if (file.language !== 'typescript' && file.language !== 'tsx') continue; // enums and type aliases are TypeScript syntax
    for (const decl of file.findAll({ kind: 'enum_declaration' })) {
      const name = decl.field('name')?.text();
      if (!name) continue;
      const values: string[] = [];
      for (const member of decl.field('body')?.children() ?? []) {
        if (member.kind() === 'enum_assignment') values.push(jsStringValue(member.field('value')) ?? member.field('value')?.text() ?? '');
        else if (member.kind() === 'property_identifier') values.push(member.text());
      }
      out.set(name, values);
    }
    for (const alias of file.findAll({ kind: 'type_alias_declaration' })) {
      const value = alias.field('value');
      if (value?.kind() !== 'union_type') continue;
      const literals = value.findAll({ rule: { kind: 'literal_type' } }).map((l) => jsStringValue(l.children().find((c) => c.isNamed())));
      if (literals.length > 1 && literals.every((l) => l !== undefined)) out.set(alias.field('name')?.text() ?? '', literals as string[]);
    }
  }
  return out;
}

export function extractTypeormModels(files: ParsedFiles): OrmModel[] {
  // Decorated entity classes are TypeScript (JavaScript projects declare TypeORM entities with EntitySchema).
  const sources = files.ofKind('js', { containing: ['@Entity'], includeTests: false }).filter((f) => f.ast && (f.language === 'typescript' || f.language === 'tsx') && /typeorm/.test(f.text));
  if (!sources.length) return [];
  const enums = tsEnums(files.ofKind('js', { containing: ['enum ', 'type '], includeTests: false }));
  const out: OrmModel[] = [];
  for (const file of sources) {
    for (const cls of file.findAll({ any: [{ kind: 'class_declaration' }, { kind: 'abstract_class_declaration' }] })) {
      const holder = cls.parent()?.kind() === 'export_statement' ? cls.parent()! : cls;
      const classDecorators = [...decoratorsOf(holder), ...decoratorsOf(cls)];
      const entity = classDecorators.find((d) => d.name === 'Entity');
      if (!entity) continue;
      out.push(entityModel(file, cls, classDecorators, entity, enums));
    }
  }
  return out;
}

function entityModel(file: ParsedFile, cls: SyntaxNode, classDecorators: Decorator[], entity: Decorator, enums: Map<string, string[]>): OrmModel {
  const name = cls.field('name')?.text() ?? '';
  const table = jsStringValue(entity.args[0]) ?? jsStringValue(prop(entity, 'name')) ?? toSnakeCase(name);
  const fields: OrmField[] = [];
  const relations: OrmRelation[] = [];
  const indexes: OrmIndex[] = [];
  const joins: { column: string; target: string; unique: boolean; at: ReturnType<ParsedFile['locate']> }[] = [];

  for (const member of cls.field('body')?.children() ?? []) {
    if (member.kind() !== 'public_field_definition') continue;
    const decorators = decoratorsOf(member);
    const prop_ = member.field('name')?.text() ?? '';
    const tsType = member.field('type')?.children().find((c) => c.isNamed())?.text() ?? '';
    const at = file.locate(member);
    const index = decorators.find((d) => d.name === 'Index');
    const relation = decorators.find((d) => /^(ManyToOne|OneToOne|OneToMany|ManyToMany)$/.test(d.name));
    if (relation) {
      const target = relationTarget(relation) ?? tsType.replace(/\[\]$/, '');
      const kind = relation.name === 'ManyToOne' ? 'many-to-one' : relation.name === 'OneToOne' ? 'one-to-one' : relation.name === 'OneToMany' ? 'one-to-many' : 'many-to-many';
      relations.push({ name: prop_, target, kind, at });
      const join = decorators.find((d) => d.name === 'JoinColumn');
      if (relation.name === 'ManyToOne' || (relation.name === 'OneToOne' && join)) {
        const joinName = jsStringValue(prop(join, 'name')) ?? `${prop_}${upperFirst(jsStringValue(prop(join, 'referencedColumnName')) ?? 'id')}`;
        joins.push({ column: joinName, target, unique: relation.name === 'OneToOne', at });
        if (index) indexes.push({ columns: [joinName], unique: !!jsObjectProperty(index.args.find((a) => a.kind() === 'object'), 'unique'), at: file.locate(index.node) });
      }
      continue;
    }
    const column = decorators.find((d) => COLUMN_DECORATOR.test(d.name));
    if (!column) continue;
    const typeArg = jsStringValue(column.args.find((a) => a.kind() === 'string')) ?? jsStringValue(prop(column, 'type'));
    const enumRef = prop(column, 'enum');
    let type: OrmFieldType = typeArg ? (COLUMN_TYPES.find(([p]) => p.test(typeArg))?.[1] ?? 'other') : (TS_TYPES.find(([p]) => p.test(tsType))?.[1] ?? 'other');
    if (column.name === 'PrimaryGeneratedColumn') type = typeArg === 'uuid' ? 'uuid' : 'integer';
    if (/^(CreateDate|UpdateDate|DeleteDate)Column$/.test(column.name)) type = 'datetime';
    let enumeration: OrmField['enumeration'];
    if (type === 'enum' || enumRef) {
      type = 'enum';
      const enumName = enumRef?.kind() === 'identifier' ? enumRef.text() : undefined;
      const values = enumRef?.kind() === 'array' ? stringList(enumRef) : enumName ? (enums.get(enumName) ?? []) : [];
      enumeration = { ...(enumName ? { name: enumName } : {}), values, source: 'database' };
    } else if (enums.has(tsType)) {
      // A TS enum or literal union property stored in a plain column: the code restricts the values, the database does not.
      enumeration = { name: tsType, values: enums.get(tsType)!, source: 'type' };
      if (type === 'other') type = enumeration.values.every((v) => /^-?\d+$/.test(v)) ? 'integer' : 'string';
    }
    const unique = isTrueProp(prop(column, 'unique'));
    const nullable = prop(column, 'nullable');
    const primaryKey = /^Primary/.test(column.name) || isTrueProp(prop(column, 'primary'));
    const ownIndex = index && !index.args.some((a) => a.kind() === 'array');
    fields.push({
      name: prop_,
      column: jsStringValue(prop(column, 'name')) ?? prop_,
      type,
      rawType: `@${column.name}(${column.args.map((a) => a.text()).join(', ')})${tsType ? `: ${tsType}` : ''}`.replace(/\s+/g, ' ').slice(0, 120),
      primaryKey,
      unique,
      nullable: nullable ? nullable.text() === 'true' : primaryKey ? false : undefined,
      indexed: !!ownIndex,
      ...(ownIndex ? { indexedBy: isTrueProp(jsObjectProperty(objectArg(index), 'unique')) ? ('unique' as const) : ('index' as const) } : {}),
      ...(enumeration ? { enumeration } : {}),
      ...(column.name === 'UpdateDateColumn' ? { autoTimestamp: 'update' as const } : column.name === 'CreateDateColumn' ? { autoTimestamp: 'create' as const } : {}),
      ...(jsStringValue(prop(column, 'default')) !== undefined ? { defaultValue: jsStringValue(prop(column, 'default')) } : {}),
      at,
    });
  }
  for (const join of joins) {
    const existing = fields.find((f) => f.column === join.column || f.name === join.column);
    if (existing) {
      existing.foreignKey = { target: join.target };
      if (join.unique && !existing.indexed) Object.assign(existing, { indexed: true, indexedBy: 'orm-default' });
    } else
      fields.push({
        name: join.column,
        column: join.column,
        type: 'other',
        rawType: 'join column',
        primaryKey: false,
        unique: join.unique,
        indexed: join.unique,
        ...(join.unique ? { indexedBy: 'orm-default' as const } : {}),
        foreignKey: { target: join.target },
        at: join.at,
      });
  }
  for (const d of classDecorators) {
    if (d.name !== 'Index' && d.name !== 'Unique') continue;
    const list = d.args.find((a) => a.kind() === 'array');
    const columns = stringList(list).map((c) => fields.find((f) => f.name === c)?.column ?? c);
    const name = jsStringValue(d.args.find((a) => a.kind() === 'string'));
    if (columns.length) indexes.push({ columns, unique: d.name === 'Unique' || isTrueProp(jsObjectProperty(objectArg(d), 'unique')), ...(name ? { name } : {}), at: file.locate(d.node) });
  }
  const model: OrmModel = {
    orm: 'typeorm',
    name,
    table,
    file: file.path,
    at: file.locateLines(cls.range().start.line + 1),
    endLine: cls.range().end.line + 1,
    fields,
    indexes,
    relations,
  };
  markIndexed(model);
  return model;
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const isTrueProp = (node: SyntaxNode | undefined) => node?.text() === 'true';

/** `() => User` or `'User'` or `type => User`. */
function relationTarget(d: Decorator): string | undefined {
  const first = d.args[0];
  if (!first) return undefined;
  const literal = jsStringValue(first);
  if (literal) return literal;
  if (first.kind() === 'arrow_function') return first.field('body')?.text().replace(/^\(|\)$/g, '');
  return first.text();
}

/** `type: 'postgres'` in a TypeORM DataSource / createConnection / TypeOrmModule options. */
export function typeormDatabaseTypes(files: ParsedFiles): DatabaseEngine[] {
  const out: DatabaseEngine[] = [];
  for (const file of files.ofKind('js', { containing: ['typeorm', 'TypeOrmModule'], includeTests: false })) {
    for (const m of file.text.matchAll(/\btype\s*:\s*['"](postgres|mysql|mariadb|sqlite|better-sqlite3|mssql|oracle|cockroachdb|mongodb)['"]/g)) {
      const t = m[1];
      out.push(t === 'postgres' ? 'postgresql' : t === 'mariadb' ? 'mysql' : t === 'better-sqlite3' ? 'sqlite' : t === 'mssql' ? 'sqlserver' : (t as DatabaseEngine));
    }
  }
  return out;
}
