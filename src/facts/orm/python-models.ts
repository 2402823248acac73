/**
 * Python ORM models: SQLAlchemy declarative classes (classic `Column` and 2.0 `Mapped[...]` /
 * `mapped_column`, Flask-SQLAlchemy `db.Model`), imperative `Table(...)`, SQLModel `table=True`
 * classes, and Django models. Classes are found project-wide and their bases resolved through the
 * file's imports, so mixins and abstract bases in other modules contribute their columns.
 */
import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import { describePyCall, pyDecorators, pyImports, pyStringValue, type PyCall } from '../../parse/python-syntax.ts';
import { toSnakeCase } from '../../parse/syntax.ts';
import type { IndexedBy, OrmField, OrmFieldType, OrmIndex, OrmModel, OrmName, OrmRelation } from '../orm-models.ts';
import { resolvePyModule } from '../routes/python-modules.ts';

interface PyClass {
  file: ParsedFile;
  node: SyntaxNode;
  name: string;
  /** Base expressions as written (`Base`, `db.Model`, `models.Model`, `TimestampMixin`). */
  bases: string[];
  /** Class keywords: `table=True` (SQLModel), `metaclass=…`. */
  keywords: Map<string, string>;
  /** Class-body assignments (`x = …`, `x: T = …`, `x: T`), in order. */
  assignments: SyntaxNode[];
  meta?: SyntaxNode;
}

type ClassKind = 'sqlalchemy-base' | 'sqlalchemy' | 'sqlmodel-table' | 'sqlmodel' | 'django' | 'enum' | 'plain';

const FIELD_FILE_TOKENS = ['Column(', 'mapped_column', 'Mapped[', 'models.', 'SQLModel', '__tablename__', 'Table(', 'declarative_base', 'DeclarativeBase', 'Model)', 'Enum', 'Choices'];
/** Django model bases from Django itself and common libraries (they make a table of the subclass). */
const DJANGO_LIBRARY_BASES = /^(models\.Model|Model|AbstractUser|AbstractBaseUser|TimeStampedModel|TimeFramedModel|StatusModel|SoftDeletableModel|PolymorphicModel|MPTTModel|OrderedModel|UUIDModel)$/;
const ENUM_BASES = /(^|\.)(Enum|StrEnum|IntEnum|Flag|IntFlag|TextChoices|IntegerChoices|Choices)$/;

const SA_TYPES: [RegExp, OrmFieldType][] = [
  [/^(String|VARCHAR|Unicode|NVARCHAR|CHAR|NCHAR|CITEXT|AutoString|EmailType|URLType|PhoneNumberType|IPAddressType)$/, 'string'],
  [/^(Text|UnicodeText|TEXT|CLOB|TSVECTOR)$/, 'text'],
  [/^(Integer|BigInteger|SmallInteger|INTEGER|INT|BIGINT|SMALLINT)$/, 'integer'],
  [/^(Float|REAL|Double|DOUBLE|DOUBLE_PRECISION|FLOAT)$/, 'float'],
  [/^(Numeric|DECIMAL|NUMERIC|Money|MONEY)$/, 'decimal'],
  [/^(Boolean|BOOLEAN)$/, 'boolean'],
  [/^(DateTime|TIMESTAMP|DATETIME|ArrowType)$/, 'datetime'],
  [/^(Date|DATE)$/, 'date'],
  [/^(Time|TIME)$/, 'time'],
  [/^(Interval|INTERVAL)$/, 'interval'],
  [/^(UUID|Uuid|GUID|UUIDType)$/, 'uuid'],
  [/^(JSON|JSONB|JSONType|HSTORE)$/, 'json'],
  [/^(LargeBinary|BYTEA|BLOB|Binary|LargeBinaryType|PickleType)$/, 'binary'],
  [/^(Enum|SAEnum|SQLEnum|SqlEnum|PgEnum|ENUM|ChoiceType)$/, 'enum'],
  [/^(ARRAY|Array)$/, 'array'],
  [/^(EncryptedType|StringEncryptedType|EncryptedString)$/, 'string'],
];
const PY_TYPES: [RegExp, OrmFieldType][] = [
  [/^str$/, 'string'],
  [/^int$/, 'integer'],
  [/^float$/, 'float'],
  [/^(Decimal|decimal\.Decimal)$/, 'decimal'],
  [/^bool$/, 'boolean'],
  [/^(datetime|datetime\.datetime)$/, 'datetime'],
  [/^(date|datetime\.date)$/, 'date'],
  [/^(time|datetime\.time)$/, 'time'],
  [/^(timedelta|datetime\.timedelta)$/, 'interval'],
  [/^(UUID|uuid\.UUID)$/, 'uuid'],
  [/^(dict|Dict|list|List|Any|JSON)(\[.*\])?$/, 'json'],
  [/^bytes$/, 'binary'],
];
const DJANGO_TYPES: [RegExp, OrmFieldType][] = [
  [/^(TextField|SearchVectorField)$/, 'text'],
  [/(Char|Slug|Email|URL|IPAddress|FilePath|File|Image|Phone|Country|Color|Money)Field$/, 'string'],
  [/(Auto|Integer)Field$/, 'integer'],
  [/^FloatField$/, 'float'],
  [/^DecimalField$/, 'decimal'],
  [/^(Null)?BooleanField$/, 'boolean'],
  [/^DateTimeField$/, 'datetime'],
  [/^DateField$/, 'date'],
  [/^TimeField$/, 'time'],
  [/^DurationField$/, 'interval'],
  [/^UUIDField$/, 'uuid'],
  [/^(JSON|HStore)Field$/, 'json'],
  [/^BinaryField$/, 'binary'],
  [/^ArrayField$/, 'array'],
];
/** Django fields indexed unless `db_index=False`. */
const DJANGO_INDEXED_BY_DEFAULT = /^(ForeignKey|SlugField|ParentalKey|TreeForeignKey)$/;

const lastName = (text: string) => text.replace(/\(.*$/s, '').split('.').pop() ?? text;
const typeOf = (name: string, table: [RegExp, OrmFieldType][]): OrmFieldType | undefined => table.find(([pattern]) => pattern.test(name))?.[1];
const isTrue = (node: SyntaxNode | undefined) => node?.text() === 'True';

export function extractPythonModels(files: ParsedFiles): OrmModel[] {
  const classes: PyClass[] = [];
  const byFile = new Map<string, Map<string, PyClass>>();
  const byName = new Map<string, PyClass[]>();
  const sourceFiles = files.ofKind('python', { containing: FIELD_FILE_TOKENS, includeTests: false }).filter((f) => f.ast && !/(^|\/)(migrations|alembic|versions)\//.test(f.path));
  for (const file of sourceFiles) {
    const local = new Map<string, PyClass>();
    for (const stmt of file.ast!.children()) {
      const def = stmt.kind() === 'decorated_definition' ? stmt.field('definition') : stmt;
      if (def?.kind() !== 'class_definition') continue;
      const cls = readClass(file, def);
      classes.push(cls);
      local.set(cls.name, cls);
      byName.set(cls.name, [...(byName.get(cls.name) ?? []), cls]);
    }
    byFile.set(file.path, local);
  }
  const declarativeNames = declarativeBaseNames(sourceFiles);

  /** The project class a base expression names, through the file's own classes and its imports. */
  const resolveBase = (from: PyClass, base: string): PyClass | undefined => {
    const name = lastName(base);
    if (!base.includes('.')) {
      const local = byFile.get(from.file.path)?.get(name);
      if (local && local !== from) return local;
    }
    const head = base.split('.')[0];
    const imported = pyImports(from.file.ast!).get(head);
    if (imported) {
      const module = base.includes('.') ? (imported.name ? `${imported.module}.${imported.name}` : imported.module) : imported.module;
      const target = resolvePyModule(files, from.file.path, module);
      const found = target ? byFile.get(target.path)?.get(name) : undefined;
      if (found) return found;
    }
    const candidates = (byName.get(name) ?? []).filter((c) => c !== from);
    return candidates.length === 1 ? candidates[0] : undefined;
  };

  const kinds = new Map<PyClass, ClassKind>();
  const kindOf = (cls: PyClass, depth = 0): ClassKind => {
    const known = kinds.get(cls);
    if (known) return known;
    if (depth > 10) return 'plain';
    kinds.set(cls, 'plain'); // cycle guard
    let kind: ClassKind = 'plain';
    for (const base of cls.bases) {
      if (ENUM_BASES.test(base)) kind = 'enum';
      else if (/(^|\.)(DeclarativeBase|DeclarativeBaseNoMeta)$/.test(base) || pyDecorators(cls.node).some((d) => /as_declarative/.test(d.text()))) kind = 'sqlalchemy-base';
      else if (/(^|\.)SQLModel$/.test(base)) kind = cls.keywords.get('table') === 'True' ? 'sqlmodel-table' : 'sqlmodel';
      else if (declarativeNames.has(base) || (/^\w+\.Model$/.test(base) && !/^models\./.test(base))) kind = 'sqlalchemy';
      else {
        const parent = resolveBase(cls, base);
        const parentKind = parent ? kindOf(parent, depth + 1) : DJANGO_LIBRARY_BASES.test(base) ? 'django' : 'plain';
        if (parentKind === 'sqlalchemy-base' || parentKind === 'sqlalchemy') kind = 'sqlalchemy';
        else if (parentKind === 'sqlmodel' || parentKind === 'sqlmodel-table') kind = cls.keywords.get('table') === 'True' ? 'sqlmodel-table' : parentKind;
        else if (parentKind === 'django' || parentKind === 'enum') kind = parentKind;
      }
      if (kind !== 'plain') break;
    }
    kinds.set(cls, kind);
    return kind;
  };

  const enumValues = new Map<string, string[]>();
  for (const cls of classes) if (kindOf(cls) === 'enum') enumValues.set(cls.name, enumMembers(cls));
  const context: Context = { enumValues, classNames: new Set(byName.keys()) };

  const models: OrmModel[] = [];
  for (const cls of classes) {
    const kind = kindOf(cls);
    if (kind === 'sqlalchemy' && !isSqlAlchemyAbstract(cls)) models.push(sqlalchemyModel(cls, kind, resolveBase, kindOf, context));
    else if (kind === 'sqlmodel-table') models.push(sqlalchemyModel(cls, kind, resolveBase, kindOf, context));
    else if (kind === 'django' && !djangoMetaFlag(cls, 'abstract')) {
      const model = djangoModel(cls, resolveBase, kindOf, context);
      if (model) models.push(model);
    }
  }
  models.push(...imperativeTables(sourceFiles, context));
  attachModuleIndexes(sourceFiles, models);
  return models;
}

interface Context {
  enumValues: Map<string, string[]>;
  classNames: Set<string>;
}

function readClass(file: ParsedFile, def: SyntaxNode): PyClass {
  const bases: string[] = [];
  const keywords = new Map<string, string>();
  for (const c of def.field('superclasses')?.children() ?? []) {
    if (!c.isNamed() || c.kind() === 'comment') continue;
    if (c.kind() === 'keyword_argument') keywords.set(c.field('name')?.text() ?? '', c.field('value')?.text() ?? '');
    else bases.push(c.text().replace(/\[.*$/s, ''));
  }
  const assignments: SyntaxNode[] = [];
  let meta: SyntaxNode | undefined;
  for (const stmt of def.field('body')?.children() ?? []) {
    if (stmt.kind() === 'expression_statement') {
      const assign = stmt.children().find((c) => c.kind() === 'assignment');
      if (assign) assignments.push(assign);
    } else if (stmt.kind() === 'class_definition' && stmt.field('name')?.text() === 'Meta') meta = stmt;
  }
  return { file, node: def, name: def.field('name')?.text() ?? '', bases, keywords, assignments, meta };
}

/** Names bound to a declarative base: `Base = declarative_base()`, `Base = registry().generate_base()`. */
function declarativeBaseNames(files: ParsedFile[]): Set<string> {
  const out = new Set<string>();
  for (const file of files) {
    if (!/declarative_base|generate_base|DeclarativeBase|as_declarative/.test(file.text)) continue;
    for (const stmt of file.ast!.children()) {
      const assign = stmt.kind() === 'expression_statement' ? stmt.children().find((c) => c.kind() === 'assignment') : undefined;
      const right = assign?.field('right');
      if (assign && right?.kind() === 'call' && /(^|\.)(declarative_base|generate_base)$/.test(right.field('function')?.text() ?? '')) out.add(assign.field('left')?.text() ?? '');
    }
  }
  // Imported under the same name elsewhere (`from app.db import Base`) is covered by name.
  return out;
}

function classAssignment(cls: PyClass, name: string): SyntaxNode | undefined {
  return cls.assignments.find((a) => a.field('left')?.text() === name);
}

function isSqlAlchemyAbstract(cls: PyClass): boolean {
  return isTrue(classAssignment(cls, '__abstract__')?.field('right') ?? undefined);
}

function metaAssignment(cls: PyClass, name: string): SyntaxNode | undefined {
  for (const stmt of cls.meta?.field('body')?.children() ?? []) {
    const assign = stmt.kind() === 'expression_statement' ? stmt.children().find((c) => c.kind() === 'assignment') : undefined;
    if (assign?.field('left')?.text() === name) return assign.field('right') ?? undefined;
  }
  return undefined;
}

function djangoMetaFlag(cls: PyClass, name: 'abstract' | 'proxy' | 'managed'): boolean | undefined {
  const value = metaAssignment(cls, name)?.text();
  return value === 'True' ? true : value === 'False' ? false : undefined;
}

/** Member values of an Enum / TextChoices class: `ACTIVE = "active"`, `PAID = "paid", "Paid"`, `ONE = 1`. */
function enumMembers(cls: PyClass): string[] {
  const out: string[] = [];
  for (const assign of cls.assignments) {
    const left = assign.field('left')?.text() ?? '';
    const right = assign.field('right');
    if (!right || left.startsWith('_')) continue;
    const first = right.kind() === 'tuple' || right.kind() === 'expression_list' ? right.children().find((c) => c.isNamed()) : right;
    const value = pyStringValue(first);
    if (value !== undefined) out.push(value);
    else if (first && /^-?\d+$/.test(first.text())) out.push(first.text());
    else if (first?.kind() === 'call' && /(^|\.)auto$/.test(first.field('function')?.text() ?? '')) out.push(left.toLowerCase());
  }
  return out;
}

type ResolveBase = (from: PyClass, base: string) => PyClass | undefined;
type KindOf = (cls: PyClass) => ClassKind;

/** Ancestors whose fields a model inherits (mixins, abstract bases, non-table SQLModel bases), nearest last. */
function fieldSources(cls: PyClass, resolveBase: ResolveBase, kindOf: KindOf, orm: 'sqlalchemy' | 'django'): PyClass[] {
  const out: PyClass[] = [];
  const seen = new Set<PyClass>([cls]);
  const visit = (c: PyClass, depth: number) => {
    if (depth > 8) return;
    for (const base of [...c.bases].reverse()) {
      const parent = resolveBase(c, base);
      if (!parent || seen.has(parent)) continue;
      seen.add(parent);
      const kind = kindOf(parent);
      const contributes =
        orm === 'django' ? kind === 'django' && djangoMetaFlag(parent, 'abstract') === true : kind === 'plain' || kind === 'sqlmodel' || (kind === 'sqlalchemy' && isSqlAlchemyAbstract(parent));
      if (kind === 'enum' || kind === 'sqlalchemy-base') continue;
      visit(parent, depth + 1);
      if (contributes) out.push(parent);
    }
  };
  visit(cls, 0);
  return out;
}

/** The nearest mapped (table) ancestor of a SQLAlchemy class: single-table or joined inheritance. */
function mappedParent(cls: PyClass, resolveBase: ResolveBase, kindOf: KindOf): PyClass | undefined {
  for (const base of cls.bases) {
    const parent = resolveBase(cls, base);
    if (parent && kindOf(parent) === 'sqlalchemy' && !isSqlAlchemyAbstract(parent)) return parent;
  }
  return undefined;
}

interface FieldDraft extends OrmField {
  /** Index flags as declared on the column itself. */
  ownIndex?: boolean;
}

function sqlalchemyModel(cls: PyClass, kind: 'sqlalchemy' | 'sqlmodel-table', resolveBase: ResolveBase, kindOf: KindOf, context: Context): OrmModel {
  const orm: OrmName = kind === 'sqlmodel-table' ? 'sqlmodel' : 'sqlalchemy';
  const fields = new Map<string, FieldDraft>();
  const relations: OrmRelation[] = [];
  const indexes: OrmIndex[] = [];
  const checks: { text: string; at: Location }[] = [];
  let tableName: string | undefined;
  let sharesTableOf: string | undefined;
  const sources = [...fieldSources(cls, resolveBase, kindOf, 'sqlalchemy'), cls];
  for (const source of sources) {
    const inherited = source === cls ? undefined : source.name;
    for (const assign of source.assignments) {
      const name = assign.field('left')?.text() ?? '';
      const right = assign.field('right') ?? undefined;
      if (name === '__tablename__') {
        const value = pyStringValue(right);
        if (value) tableName = value;
        continue;
      }
      if (name === '__table_args__' && right) {
        readTableArgs(source.file, right, indexes, checks);
        continue;
      }
      if (!/^[A-Za-z_]\w*$/.test(name) || name.startsWith('__')) continue;
      const draft = sqlalchemyField(source.file, assign, name, orm, context, relations);
      if (draft) fields.set(name, { ...draft, ...(inherited ? { inheritedFrom: inherited } : {}) });
    }
    const declared = [...source.node.findAll({ rule: { kind: 'function_definition', regex: '^def __tablename__' } })];
    if (!tableName && declared.length && /__name__\.lower\(\)/.test(declared[0].text())) tableName = cls.name.toLowerCase();
  }
  const parent = kind === 'sqlalchemy' ? mappedParent(cls, resolveBase, kindOf) : undefined;
  const ownHasPk = [...fields.values()].some((f) => f.primaryKey && !f.inheritedFrom);
  if (!tableName && parent && !ownHasPk) {
    sharesTableOf = parent.name;
    tableName = tableNameOf(parent, resolveBase, kindOf);
  }
  if (!tableName) tableName = kind === 'sqlmodel-table' ? cls.name.toLowerCase() : toSnakeCase(cls.name);
  return finishModel({
    orm,
    cls,
    table: tableName,
    fields: [...fields.values()],
    indexes,
    relations,
    checks,
    ...(sharesTableOf ? { sharesTableOf } : {}),
  });
}

function tableNameOf(cls: PyClass, resolveBase: ResolveBase, kindOf: KindOf, depth = 0): string {
  const value = pyStringValue(classAssignment(cls, '__tablename__')?.field('right'));
  if (value) return value;
  const parent = depth < 6 ? mappedParent(cls, resolveBase, kindOf) : undefined;
  return parent ? tableNameOf(parent, resolveBase, kindOf, depth + 1) : toSnakeCase(cls.name);
}

/** One class-body statement of a SQLAlchemy / SQLModel class as a column (or a relation, recorded in `relations`). */
function sqlalchemyField(file: ParsedFile, assign: SyntaxNode, name: string, orm: OrmName, context: Context, relations: OrmRelation[]): FieldDraft | undefined {
  const annotation = assign.field('type')?.text();
  const right = assign.field('right') ?? undefined;
  const at = file.locate(assign.parent() ?? assign);
  const call = right?.kind() === 'call' ? describePyCall(right) : undefined;
  const callee = call ? lastName(call.callee) : '';
  if (annotation && /^(ClassVar|typing\.ClassVar)\b/.test(annotation)) return undefined;
  if (/^(relationship|relation|Relationship|backref|association_proxy)$/.test(callee)) {
    const target = pyStringValue(call!.args[0]) ?? call!.args[0]?.text() ?? mappedInner(annotation ?? '').replace(/^(list|List|set|Set)\[(.*)\]$/, '$2').replace(/['"]/g, '');
    const many = /\b(list|List|set|Set)\[/.test(annotation ?? '') || isTrue(call!.keywords.get('uselist')) || call!.keywords.has('secondary');
    relations.push({ name, target: target.replace(/['"]/g, ''), kind: call!.keywords.has('secondary') ? 'many-to-many' : many ? 'one-to-many' : 'unknown', at });
    return undefined;
  }
  let column: PyCall | undefined;
  if (/^(Column|mapped_column|deferred|column_property)$/.test(callee)) {
    column = call;
    if (callee === 'deferred' || callee === 'column_property') {
      const inner = call!.args[0];
      column = inner?.kind() === 'call' ? describePyCall(inner) : undefined;
      if (!column || !/^(Column|mapped_column)$/.test(lastName(column.callee))) return undefined;
    }
  } else if (orm === 'sqlmodel' && annotation && (callee === 'Field' || right?.kind() !== 'call')) {
    return sqlmodelField(file, name, annotation ?? '', call, context, at);
  } else if (!right && annotation && /^(Mapped|orm\.Mapped|sa\.orm\.Mapped)\[/.test(annotation)) {
    const inner = mappedInner(annotation);
    if (/^(list|List|set|Set|dict|Dict)\[/.test(inner) && context.classNames.has(inner.replace(/^\w+\[['"]?(\w+)['"]?\]$/, '$1'))) return undefined;
    if (context.classNames.has(inner.replace(/['"]|\s*\|\s*None|Optional\[|\]/g, '')) && !context.enumValues.has(inner.replace(/['"]|\s*\|\s*None|Optional\[|\]/g, ''))) return undefined;
    return columnDraft(file, name, undefined, annotation, context, at);
  } else return undefined;
  return column ? columnDraft(file, name, column, annotation, context, at) : undefined;
}

/** `Mapped[Optional[str]]` → `Optional[str]`. */
function mappedInner(annotation: string): string {
  const m = /^(?:\w+\.)*Mapped\[(.*)\]$/s.exec(annotation.trim());
  return (m ? m[1] : annotation).trim();
}

/** `Optional[X]` / `X | None` / `Union[X, None]` → { type: 'X', nullable }. */
function unwrapOptional(type: string): { type: string; nullable: boolean } {
  let t = type.trim().replace(/^['"]|['"]$/g, '');
  let nullable = false;
  const optional = /^(?:typing\.)?Optional\[(.*)\]$/s.exec(t);
  if (optional) {
    t = optional[1].trim();
    nullable = true;
  }
  const parts = t.split('|').map((p) => p.trim());
  if (parts.length > 1 && parts.includes('None')) {
    nullable = true;
    t = parts.filter((p) => p !== 'None').join(' | ');
  }
  return { type: t, nullable };
}

function columnDraft(file: ParsedFile, name: string, column: PyCall | undefined, annotation: string | undefined, context: Context, at: Location): FieldDraft {
  let columnName = name;
  let rawType = '';
  let type: OrmFieldType | undefined;
  let enumeration: OrmField['enumeration'];
  let foreignKey: OrmField['foreignKey'];
  for (const [i, arg] of (column?.args ?? []).entries()) {
    const literal = pyStringValue(arg);
    if (literal !== undefined && i === 0) {
      columnName = literal;
      continue;
    }
    const text = arg.text();
    const head = lastName(text);
    if (head === 'ForeignKey') {
      foreignKey = foreignKeyTarget(arg);
      continue;
    }
    const saType = typeOf(head, SA_TYPES);
    if (saType && !type) {
      type = saType;
      rawType = text.length > 60 ? `${text.slice(0, 57)}...` : text;
      if (saType === 'enum') enumeration = enumFromCall(arg, context);
      if (saType === 'array') type = 'array';
    }
  }
  const keywords = column?.keywords ?? new Map<string, SyntaxNode>();
  const typeKeyword = keywords.get('type_');
  if (!type && typeKeyword) {
    type = typeOf(lastName(typeKeyword.text()), SA_TYPES);
    rawType = typeKeyword.text();
  }
  const optional = unwrapOptional(mappedInner(annotation ?? ''));
  if (!type && annotation) {
    const fromAnnotation = pythonType(optional.type, context);
    type = fromAnnotation.type;
    enumeration = fromAnnotation.enumeration;
    rawType = annotation;
  }
  if (!rawType) rawType = column ? lastName(column.callee) : (annotation ?? '');
  const nullableKw = keywords.get('nullable')?.text();
  const primaryKey = isTrue(keywords.get('primary_key'));
  return {
    name,
    column: columnName,
    type: type ?? (foreignKey ? 'other' : 'other'),
    rawType,
    primaryKey,
    unique: isTrue(keywords.get('unique')),
    nullable: nullableKw === 'True' ? true : nullableKw === 'False' ? false : annotation ? optional.nullable : primaryKey ? false : undefined,
    indexed: false,
    ownIndex: isTrue(keywords.get('index')),
    ...(foreignKey ? { foreignKey } : {}),
    ...(enumeration ? { enumeration } : {}),
    ...autoTimestamp(keywords),
    ...stringDefault(keywords),
    at,
  };
}

function stringDefault(keywords: Map<string, SyntaxNode>): Pick<OrmField, 'defaultValue'> {
  const value = pyStringValue(keywords.get('default')) ?? pyStringValue(keywords.get('server_default'));
  return value !== undefined ? { defaultValue: value } : {};
}

function autoTimestamp(keywords: Map<string, SyntaxNode>): Pick<OrmField, 'autoTimestamp'> {
  if (keywords.has('onupdate') || keywords.has('server_onupdate')) return { autoTimestamp: 'update' };
  const def = `${keywords.get('default')?.text() ?? ''} ${keywords.get('server_default')?.text() ?? ''}`;
  return /\b(now|utcnow|current_timestamp|CURRENT_TIMESTAMP|_now|utc_now)\b/.test(def) ? { autoTimestamp: 'create' } : {};
}

/** `ForeignKey("users.id")`, `ForeignKey(User.id)`, `ForeignKey("auth.users.id")`. */
function foreignKeyTarget(call: SyntaxNode): OrmField['foreignKey'] {
  const first = describePyCall(call)?.args[0];
  const text = pyStringValue(first) ?? first?.text() ?? '';
  const parts = text.split('.');
  if (parts.length < 2) return { target: text };
  return { target: parts[parts.length - 2], targetColumn: parts[parts.length - 1] };
}

/** `Enum("a", "b", name=…)`, `Enum(Status)`, `ChoiceType(CHOICES)`: the enumeration and its values. */
function enumFromCall(call: SyntaxNode, context: Context): OrmField['enumeration'] {
  const described = describePyCall(call);
  const literals = (described?.args ?? []).map((a) => pyStringValue(a)).filter((v): v is string => v !== undefined);
  const named = described?.args.find((a) => a.kind() === 'identifier' || a.kind() === 'attribute');
  const enumName = named ? lastName(named.text()) : undefined;
  const values = literals.length ? literals : enumName ? (context.enumValues.get(enumName) ?? []) : [];
  const name = pyStringValue(described?.keywords.get('name')) ?? enumName;
  return { ...(name ? { name } : {}), values, source: 'database' };
}

/** A Python annotation as a column type: `str`, `datetime`, a project Enum, `Literal["a", "b"]`. */
function pythonType(type: string, context: Context): { type: OrmFieldType; enumeration?: OrmField['enumeration'] } {
  const literal = /^(?:typing\.)?Literal\[(.*)\]$/s.exec(type);
  if (literal) return { type: 'enum', enumeration: { values: [...literal[1].matchAll(/["']([^"']*)["']/g)].map((m) => m[1]), source: 'database' } };
  const name = lastName(type);
  if (context.enumValues.has(name)) return { type: 'enum', enumeration: { name, values: context.enumValues.get(name)!, source: 'database' } };
  return { type: typeOf(type.replace(/\s/g, ''), PY_TYPES) ?? typeOf(name, PY_TYPES) ?? 'other' };
}

/** SQLModel `name: str = Field(index=True, foreign_key="team.id")`, or a plain annotation on a table class. */
function sqlmodelField(file: ParsedFile, name: string, annotation: string, call: PyCall | undefined, context: Context, at: Location): FieldDraft | undefined {
  if (/^(ClassVar|typing\.ClassVar)\b/.test(annotation)) return undefined;
  const saColumn = call?.keywords.get('sa_column');
  if (saColumn?.kind() === 'call') return columnDraft(file, name, describePyCall(saColumn), annotation, context, at);
  const optional = unwrapOptional(annotation);
  if (/^(list|List)\[/.test(optional.type) && context.classNames.has(optional.type.replace(/^\w+\[['"]?(\w+)['"]?\]$/, '$1'))) return undefined;
  const fromAnnotation = pythonType(optional.type, context);
  const saType = call?.keywords.get('sa_type');
  const keywords = call?.keywords ?? new Map<string, SyntaxNode>();
  const fk = pyStringValue(keywords.get('foreign_key'));
  const parts = fk?.split('.') ?? [];
  const primaryKey = isTrue(keywords.get('primary_key'));
  const nullableKw = keywords.get('nullable')?.text();
  return {
    name,
    column: name,
    type: saType ? (typeOf(lastName(saType.text()), SA_TYPES) ?? fromAnnotation.type) : fromAnnotation.type,
    rawType: saType?.text() ?? annotation,
    primaryKey,
    unique: isTrue(keywords.get('unique')),
    nullable: nullableKw === 'True' ? true : nullableKw === 'False' ? false : primaryKey ? false : optional.nullable,
    indexed: false,
    ownIndex: isTrue(keywords.get('index')),
    ...(fk ? { foreignKey: { target: parts.length > 1 ? parts[parts.length - 2] : fk, ...(parts.length > 1 ? { targetColumn: parts[parts.length - 1] } : {}) } } : {}),
    ...(fromAnnotation.enumeration ? { enumeration: fromAnnotation.enumeration } : {}),
    ...stringDefault(keywords),
    at,
  };
}

/** `__table_args__ = (Index("ix", "a", "b"), UniqueConstraint("a", "b"), CheckConstraint("status IN (...)"), {...})`. */
function readTableArgs(file: ParsedFile, value: SyntaxNode, indexes: OrmIndex[], checks: { text: string; at: Location }[]): void {
  const items = value.kind() === 'tuple' || value.kind() === 'list' || value.kind() === 'parenthesized_expression' ? value.children().filter((c) => c.isNamed()) : [value];
  for (const item of items) {
    if (item.kind() !== 'call') continue;
    const call = describePyCall(item)!;
    const callee = lastName(call.callee);
    if (callee === 'Index' || callee === 'UniqueConstraint' || callee === 'PrimaryKeyConstraint') {
      const args = callee === 'Index' ? call.args.slice(1) : call.args;
      const columns = args.map(columnReference).filter((c): c is string => !!c);
      const name = callee === 'Index' ? pyStringValue(call.args[0]) : pyStringValue(call.keywords.get('name'));
      if (columns.length)
        indexes.push({ columns, unique: callee !== 'Index' || isTrue(call.keywords.get('unique')), ...(name ? { name } : {}), at: file.locate(item) });
    } else if (callee === 'CheckConstraint') {
      const text = pyStringValue(call.args[0]) ?? call.args[0]?.text() ?? '';
      checks.push({ text, at: file.locate(item) });
    }
  }
}

/** `"user_id"`, `Model.user_id`, `table.c.user_id`, `text("lower(email)")` (no column), `desc("created_at")`. */
function columnReference(arg: SyntaxNode): string | undefined {
  const literal = pyStringValue(arg);
  if (literal !== undefined) return /^\w+$/.test(literal) ? literal : undefined;
  if (arg.kind() === 'attribute') return arg.field('attribute')?.text();
  if (arg.kind() === 'identifier') return arg.text();
  if (arg.kind() === 'call') {
    const call = describePyCall(arg)!;
    if (/^(desc|asc|nulls_last|nulls_first)$/.test(lastName(call.callee)) || /\.(desc|asc)$/.test(call.callee)) {
      const inner = call.args[0] ?? (arg.field('function')?.kind() === 'attribute' ? arg.field('function')?.field('object') : undefined);
      return inner ? columnReference(inner) : undefined;
    }
  }
  return undefined;
}

/** Module-level `Index("ix", Model.col, …)` after the class: added to that model. */
function attachModuleIndexes(files: ParsedFile[], models: OrmModel[]): void {
  for (const file of files) {
    if (!file.text.includes('Index(')) continue;
    for (const stmt of file.ast!.children()) {
      const expr = stmt.kind() === 'expression_statement' ? stmt.children().find((c) => c.isNamed()) : undefined;
      const call = expr?.kind() === 'call' ? describePyCall(expr) : expr?.kind() === 'assignment' && expr.field('right')?.kind() === 'call' ? describePyCall(expr.field('right')!) : undefined;
      if (!call || lastName(call.callee) !== 'Index') continue;
      const refs = call.args.slice(1).filter((a) => a.kind() === 'attribute');
      const owner = refs[0]?.field('object')?.text().replace(/\.c$|\.__table__\.c$/, '');
      const model = models.find((m) => m.file === file.path && (m.name === owner || m.name === owner?.split('.')[0])) ?? models.find((m) => m.name === owner);
      const columns = refs.map((r) => r.field('attribute')?.text() ?? '').filter(Boolean);
      if (!model || !columns.length) continue;
      const mapped = columns.map((c) => model.fields.find((f) => f.name === c)?.column ?? c);
      model.indexes.push({ columns: mapped, unique: isTrue(call.keywords.get('unique')), ...(pyStringValue(call.args[0]) ? { name: pyStringValue(call.args[0]) } : {}), at: file.locate(expr!) });
      markIndexed(model);
    }
  }
}

/** `users = Table("users", metadata, Column("id", Integer, primary_key=True), …)`. */
function imperativeTables(files: ParsedFile[], context: Context): OrmModel[] {
  const out: OrmModel[] = [];
  for (const file of files) {
    if (!file.text.includes('Table(')) continue;
    for (const stmt of file.ast!.children()) {
      const assign = stmt.kind() === 'expression_statement' ? stmt.children().find((c) => c.kind() === 'assignment') : undefined;
      const right = assign?.field('right');
      if (!assign || right?.kind() !== 'call') continue;
      const call = describePyCall(right)!;
      if (lastName(call.callee) !== 'Table' || !/metadata/i.test(call.args[1]?.text() ?? '')) continue;
      const table = pyStringValue(call.args[0]);
      if (!table) continue;
      const fields: FieldDraft[] = [];
      const indexes: OrmIndex[] = [];
      const checks: { text: string; at: Location }[] = [];
      for (const arg of call.args.slice(2)) {
        if (arg.kind() !== 'call') continue;
        const inner = describePyCall(arg)!;
        const callee = lastName(inner.callee);
        if (callee === 'Column') {
          const name = pyStringValue(inner.args[0]);
          if (name) fields.push(columnDraft(file, name, inner, undefined, context, file.locate(arg)));
        } else readTableArgs(file, arg, indexes, checks);
      }
      out.push(
        finishModel({
          orm: 'sqlalchemy',
          name: assign.field('left')?.text() ?? table,
          node: stmt,
          file,
          table,
          fields,
          indexes,
          relations: [],
          checks,
          ...(call.keywords.has('autoload_with') || call.keywords.has('autoload') ? { unmanaged: true } : {}),
        }),
      );
    }
  }
  return out;
}

interface ModelDraft {
  orm: OrmName;
  cls?: PyClass;
  node?: SyntaxNode;
  file?: ParsedFile;
  name?: string;
  table: string;
  fields: FieldDraft[];
  indexes: OrmIndex[];
  relations: OrmRelation[];
  checks: { text: string; at: Location }[];
  app?: string;
  unmanaged?: boolean;
  sharesTableOf?: string;
}

/** Apply CHECK constraints and indexes to the fields, and shape the model. */
function finishModel(draft: ModelDraft): OrmModel {
  const file = draft.cls?.file ?? draft.file!;
  const node = draft.cls?.node ?? draft.node!;
  for (const check of draft.checks) {
    const m = /\b(\w+)\s+IN\s*\(([^)]*)\)/i.exec(check.text);
    const field = m ? draft.fields.find((f) => f.column === m[1] || f.name === m[1]) : undefined;
    if (field && !field.enumeration) field.enumeration = { values: [...m![2].matchAll(/'([^']*)'/g)].map((v) => v[1]), source: 'check' };
  }
  const fields: OrmField[] = draft.fields.map(({ ownIndex, ...f }) => ({ ...f, ...(ownIndex ? { indexed: true, indexedBy: f.indexedBy ?? ('index' as const) } : {}) }));
  const classLine = node.kind() === 'class_definition' ? node.range().start.line + 1 : node.range().start.line + 1;
  const model: OrmModel = {
    orm: draft.orm,
    name: draft.cls?.name ?? draft.name ?? draft.table,
    table: draft.table,
    file: file.path,
    at: file.locateLines(classLine),
    endLine: node.range().end.line + 1,
    fields,
    indexes: draft.indexes,
    relations: draft.relations,
    ...(draft.app ? { app: draft.app } : {}),
    ...(draft.unmanaged ? { unmanaged: true } : {}),
    ...(draft.sharesTableOf ? { sharesTableOf: draft.sharesTableOf } : {}),
  };
  markIndexed(model);
  return model;
}

/** Set `indexed`/`indexedBy` from primary keys, unique flags and the model's indexes. */
export function markIndexed(model: OrmModel): void {
  const pk = model.fields.filter((f) => f.primaryKey);
  for (const field of model.fields) {
    let by: IndexedBy | undefined = field.indexedBy;
    if (field.primaryKey) by = pk.length > 1 && pk[0] !== field ? by : 'primary-key';
    if (!by && field.unique) by = 'unique';
    if (!by) {
      const leading = model.indexes.find((i) => i.columns[0] === field.column);
      if (leading) by = leading.columns.length > 1 ? 'composite' : leading.unique ? 'unique' : 'index';
    }
    field.indexed = !!by;
    if (by) field.indexedBy = by;
  }
}

// ── Django ─────────────────────────────────────────────────────────────────────────────────

function djangoModel(cls: PyClass, resolveBase: ResolveBase, kindOf: KindOf, context: Context): OrmModel | undefined {
  if (djangoMetaFlag(cls, 'proxy')) return undefined;
  const fields: FieldDraft[] = [];
  const relations: OrmRelation[] = [];
  const sources = [...fieldSources(cls, resolveBase, kindOf, 'django'), cls];
  const seen = new Set<string>();
  for (const source of sources.reverse()) {
    for (const assign of [...source.assignments].reverse()) {
      const name = assign.field('left')?.text() ?? '';
      const right = assign.field('right');
      if (seen.has(name) || right?.kind() !== 'call' || !/^[A-Za-z_]\w*$/.test(name)) continue;
      const call = describePyCall(right)!;
      const callee = lastName(call.callee);
      if (!/Field$|^(ForeignKey|OneToOneField|ManyToManyField|ParentalKey|TreeForeignKey|GenericForeignKey)$/.test(callee) || callee === 'GenericForeignKey') continue;
      seen.add(name);
      const at = source.file.locate(assign.parent() ?? assign);
      const inherited = source === cls ? undefined : source.name;
      const target = djangoRelationTarget(call);
      if (callee === 'ManyToManyField') {
        relations.push({ name, target, kind: 'many-to-many', at });
        continue;
      }
      const isFk = /^(ForeignKey|OneToOneField|ParentalKey|TreeForeignKey)$/.test(callee);
      if (isFk) relations.push({ name, target, kind: callee === 'OneToOneField' ? 'one-to-one' : 'many-to-one', at });
      const kw = call.keywords;
      const dbIndex = kw.get('db_index')?.text();
      const unique = isTrue(kw.get('unique')) || callee === 'OneToOneField';
      const indexedByDefault = (DJANGO_INDEXED_BY_DEFAULT.test(callee) || callee === 'OneToOneField') && dbIndex !== 'False';
      const choices = kw.get('choices');
      const enumeration = choices ? djangoChoices(source, choices, context) : undefined;
      const timestamp = isTrue(kw.get('auto_now')) ? 'update' : isTrue(kw.get('auto_now_add')) ? 'create' : /\bnow\b/.test(kw.get('default')?.text() ?? '') ? 'create' : undefined;
      fields.unshift({
        name,
        column: pyStringValue(kw.get('db_column')) ?? (isFk ? `${name}_id` : name),
        type: isFk ? 'other' : (typeOf(callee, DJANGO_TYPES) ?? 'other'),
        rawType: call.callee,
        primaryKey: isTrue(kw.get('primary_key')),
        unique,
        nullable: kw.has('null') ? isTrue(kw.get('null')) : false,
        indexed: false,
        ownIndex: dbIndex === 'True' || indexedByDefault,
        ...(isFk ? { foreignKey: { target } } : {}),
        ...(enumeration ? { enumeration } : {}),
        ...(timestamp ? { autoTimestamp: timestamp as 'create' | 'update' } : {}),
        ...stringDefault(kw),
        ...(inherited ? { inheritedFrom: inherited } : {}),
        at,
      });
      const draft = fields[0];
      if (indexedByDefault && dbIndex !== 'True') draft.indexedBy = 'orm-default';
    }
  }
  const app = djangoAppLabel(cls.file.path);
  const table = pyStringValue(metaAssignment(cls, 'db_table')) ?? `${app}_${cls.name.toLowerCase()}`;
  const indexes = djangoMetaIndexes(cls, fields);
  relations.sort((a, b) => (a.at.file === b.at.file ? (a.at.startLine ?? 0) - (b.at.startLine ?? 0) : a.at.file < b.at.file ? -1 : 1));
  return finishModel({ orm: 'django', cls, table, fields, indexes, relations, checks: [], app, ...(djangoMetaFlag(cls, 'managed') === false ? { unmanaged: true } : {}) });
}

function djangoRelationTarget(call: PyCall): string {
  const first = call.args[0] ?? call.keywords.get('to');
  const text = pyStringValue(first) ?? first?.text() ?? '';
  return text.split('.').pop() ?? text;
}

/** `app/models.py` → `app`, `app/models/order.py` → `app`. */
export function djangoAppLabel(path: string): string {
  const parts = path.split('/');
  const i = parts.lastIndexOf('models');
  if (i > 0 && i < parts.length - 1) return parts[i - 1];
  return parts.length > 1 ? parts[parts.length - 2] : '';
}

/** `choices=Status.choices`, `choices=STATUS_CHOICES`, `choices=[("a", "A"), …]`. */
function djangoChoices(cls: PyClass, choices: SyntaxNode, context: Context): OrmField['enumeration'] {
  if (choices.kind() === 'attribute' && choices.field('attribute')?.text() === 'choices') {
    const name = lastName(choices.field('object')?.text() ?? '');
    return { name, values: context.enumValues.get(name) ?? nestedChoices(cls, name), source: 'choices' };
  }
  let list: SyntaxNode | undefined = choices;
  if (choices.kind() === 'identifier') {
    list = classAssignment(cls, choices.text())?.field('right') ?? moduleAssignment(cls.file, choices.text());
  }
  const values: string[] = [];
  for (const item of list?.children() ?? []) {
    if (item.kind() !== 'tuple') continue;
    const first = item.children().find((c) => c.isNamed());
    const value = pyStringValue(first) ?? first?.text();
    if (value) values.push(value);
  }
  return { ...(choices.kind() === 'identifier' ? { name: choices.text() } : {}), values, source: 'choices' };
}

/** Values of a `TextChoices` class nested in the model (`class Status(models.TextChoices)`). */
function nestedChoices(cls: PyClass, name: string): string[] {
  const nested = cls.node.field('body')?.children().find((c) => c.kind() === 'class_definition' && c.field('name')?.text() === name);
  return nested ? enumMembers(readClass(cls.file, nested)) : [];
}

function moduleAssignment(file: ParsedFile, name: string): SyntaxNode | undefined {
  for (const stmt of file.ast?.children() ?? []) {
    const assign = stmt.kind() === 'expression_statement' ? stmt.children().find((c) => c.kind() === 'assignment') : undefined;
    if (assign?.field('left')?.text() === name) return assign.field('right') ?? undefined;
  }
  return undefined;
}

/** `Meta.indexes`, `unique_together`, `index_together`, `constraints` (UniqueConstraint) as indexes on database columns. */
function djangoMetaIndexes(cls: PyClass, fields: FieldDraft[]): OrmIndex[] {
  const columnOf = (name: string) => {
    const clean = name.replace(/^-/, '');
    return fields.find((f) => f.name === clean)?.column ?? clean;
  };
  const out: OrmIndex[] = [];
  const at = (node: SyntaxNode) => cls.file.locate(node);
  for (const key of ['indexes', 'constraints']) {
    const list = metaAssignment(cls, key);
    for (const item of list?.children() ?? []) {
      if (item.kind() !== 'call') continue;
      const call = describePyCall(item)!;
      const callee = lastName(call.callee);
      if (callee === 'CheckConstraint') {
        const q = call.keywords.get('check') ?? call.keywords.get('condition');
        const m = q ? /(\w+)__in\s*=\s*\[([^\]]*)\]/.exec(q.text()) : null;
        const field = m ? fields.find((f) => f.name === m[1]) : undefined;
        if (field && !field.enumeration) field.enumeration = { values: [...m![2].matchAll(/["']([^"']*)["']/g)].map((v) => v[1]), source: 'check' };
        continue;
      }
      if (callee !== 'Index' && callee !== 'UniqueConstraint') continue;
      const names = (call.keywords.get('fields')?.children() ?? []).map((c) => pyStringValue(c)).filter((v): v is string => !!v);
      if (!names.length || call.keywords.has('condition')) continue;
      const name = pyStringValue(call.keywords.get('name'));
      out.push({ columns: names.map(columnOf), unique: callee === 'UniqueConstraint', ...(name ? { name } : {}), at: at(item) });
    }
  }
  for (const key of ['unique_together', 'index_together']) {
    const value = metaAssignment(cls, key);
    if (!value) continue;
    const groups = value.children().filter((c) => c.kind() === 'tuple' || c.kind() === 'list');
    const flat = groups.length ? groups : [value];
    for (const group of flat) {
      const names = group.children().map((c) => pyStringValue(c)).filter((v): v is string => !!v);
      if (names.length) out.push({ columns: names.map(columnOf), unique: key === 'unique_together', at: at(group) });
    }
  }
  return out;
}
