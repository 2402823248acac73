/**
 * How the code uses model columns: which columns queries filter on (with the call sites), and
 * which string literals the code compares a column to or stores in it. Read by the data-model
 * rules ("filtered without an index", "an enumeration stored as free text"), computed once per
 * audit from `ormModels`.
 *
 * Recognised:
 * - SQLAlchemy / SQLModel: `Model.col == x`, `Model.col.in_(…)` / `.like(…)` / `.between(…)` in
 *   `.filter()` / `.where()` / `.having()`, `.filter_by(col=…)` on `query(Model)` / `select(Model)` /
 *   `Model.query`; Django: `Model.objects.filter(col=…)` / `.get()` / `.exclude()` / `get_object_or_404(Model, col=…)`
 *   and `Q(col=…)`; raw SQL strings (`SELECT … FROM t WHERE col = …`) by table name.
 * - Prisma `prisma.model.findMany({ where: { col } })` and the other delegate methods; TypeORM
 *   `repo.findOne({ where: { col } })`, `findBy({ col })`, `Entity.find(…)`, `manager.find(Entity, …)`.
 * - Literals: `Model(col="x")`, `obj.col = "x"`, `obj.col == "x"`, `filter_by(col="x")`,
 *   `col__in=["x", "y"]`, Prisma `data`/`where` objects, TS `obj.col === 'x'`.
 * Test files, migrations and seed scripts are left out: they do not tell how production queries.
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../model/parsed-file.ts';
import { describeJsCall, jsObjectProperty, jsStringValue } from '../parse/js-syntax.ts';
import { describePyCall, enclosingPyFunction, pyImports, pyLocalBinding, pyStringValue } from '../parse/python-syntax.ts';
import { toSnakeCase } from '../parse/syntax.ts';
import { findOrmField, ormModels, type OrmField, type OrmModel } from './orm-models.ts';

export interface ColumnUse {
  model: OrmModel;
  field: OrmField;
  /** `filter`: a query selects rows by it; `compare`: code compares a loaded value; `assign`: code stores a value. */
  kind: 'filter' | 'compare' | 'assign';
  /** The string literal compared or stored, when it is one. */
  literal?: string;
  /** Filters of one query share this key, so a query already served by an index on another column can be told. */
  query?: string;
  /** A substring or suffix match (`contains`, `icontains`, `ilike`, `endswith`): a B-tree index on the column would not serve it. */
  substring?: boolean;
  at: Location;
}

const memo = new WeakMap<ParsedFiles, ColumnUse[]>();
const NOT_PRODUCTION = /(^|\/)(migrations?|alembic|versions|seeds?|fixtures|scripts)\//;
const PY_FILTER_METHODS = /^(filter|where|having|filter_by|exclude|get|get_or_create|update_or_create|first_or_404|one_or_none)$/;
const SUBSTRING_METHODS = /^(contains|icontains|endswith|ilike|not_ilike|notilike|match|regexp_match)$/;
const SA_COLUMN_METHODS = /^(in_|not_in|notin_|like|ilike|not_like|not_ilike|notlike|notilike|between|is_|is_not|isnot|startswith|endswith|contains|icontains|match|op|any_|all_)$/;
const PRISMA_METHODS = /^(findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|count|updateMany|deleteMany|update|delete|upsert|aggregate|groupBy|create|createMany)$/;
const TYPEORM_WHERE_METHODS = /^(find|findOne|findAndCount|findOneOrFail|count|exist|exists|delete|update|softDelete|findBy|findOneBy|findAndCountBy|findOneByOrFail|countBy|existsBy)$/;

/** Every use of a model column the code shows, in file order. Memoised per file set. */
export function columnUses(files: ParsedFiles): ColumnUse[] {
  let uses = memo.get(files);
  if (uses) return uses;
  const models = ormModels(files);
  uses = models.length ? [...pythonUses(files, models), ...jsUses(files, models), ...sqlUses(files, models)] : [];
  uses.sort((a, b) => (a.at.file === b.at.file ? (a.at.startLine ?? 0) - (b.at.startLine ?? 0) : a.at.file < b.at.file ? -1 : 1));
  memo.set(files, uses);
  return uses;
}

const key = (file: ParsedFile, node: SyntaxNode) => `${file.path}:${node.range().start.index}`;

/** The model an instance variable holds, judged by its name: `order` → Order, `api_key` → ApiKey, `self.user` → User, `new_listing` → Listing. */
function modelByVariable(models: OrmModel[], variable: string, column: string): OrmModel | undefined {
  const name = toSnakeCase(variable.split('.').pop() ?? variable).replace(/^_+/, '');
  const withField = models.filter((m) => findOrmField(m, column));
  const exact = withField.filter((m) => toSnakeCase(m.name) === name || toSnakeCase(m.name) === name.replace(/s$/, ''));
  if (exact.length === 1) return exact[0];
  const partial = withField.filter((m) => {
    const model = toSnakeCase(m.name);
    return name.endsWith(`_${model}`) || name.startsWith(`${model}_`) || model.endsWith(`_${name}`);
  });
  return partial.length === 1 ? partial[0] : undefined;
}

// ── Python ─────────────────────────────────────────────────────────────────────────────────

const PY_MODEL_ORMS = new Set(['sqlalchemy', 'sqlmodel', 'django']);

/** Local names that denote a model class in a file: classes defined there and names imported under a model's name. */
function pyModelNames(file: ParsedFile, models: OrmModel[]): Map<string, OrmModel> {
  const out = new Map<string, OrmModel>();
  const byName = new Map<string, OrmModel[]>();
  for (const m of models) if (PY_MODEL_ORMS.has(m.orm)) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
  for (const m of models) if (m.file === file.path && PY_MODEL_ORMS.has(m.orm)) out.set(m.name, m);
  for (const [local, imported] of pyImports(file.ast!)) {
    const name = imported.name ?? '';
    const candidates = byName.get(name) ?? [];
    if (!candidates.length || out.has(local)) continue;
    const modulePath = imported.module.replace(/^\.+/, '').replace(/\./g, '/');
    const match = candidates.find((m) => m.file.replace(/(\/__init__)?\.py$/, '').endsWith(modulePath)) ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (match) out.set(local, match);
  }
  return out;
}

function pythonUses(files: ParsedFiles, models: OrmModel[]): ColumnUse[] {
  const pyModels = models.filter((m) => PY_MODEL_ORMS.has(m.orm));
  if (!pyModels.length) return [];
  const out: ColumnUse[] = [];
  const fieldNames = new Set(pyModels.flatMap((m) => m.fields.map((f) => f.name)));
  for (const file of files.ofKind('python', { containing: [...new Set(pyModels.map((m) => m.name))], includeTests: false })) {
    if (!file.ast || NOT_PRODUCTION.test(file.path)) continue;
    const local = pyModelNames(file, pyModels);
    const modelOf = (expr: SyntaxNode | null | undefined): OrmModel | undefined => {
      if (!expr) return undefined;
      if (expr.kind() === 'identifier') return local.get(expr.text());
      if (expr.kind() === 'attribute') {
        const attr = expr.field('attribute')?.text() ?? '';
        const candidate = pyModels.filter((m) => m.name === attr);
        return candidate.length === 1 ? candidate[0] : undefined;
      }
      return undefined;
    };
    const push = (model: OrmModel, name: string, kind: ColumnUse['kind'], node: SyntaxNode, literal?: string, query?: string, substring?: boolean) => {
      const field = findOrmField(model, name);
      if (field) out.push({ model, field, kind, ...(literal !== undefined ? { literal } : {}), ...(query ? { query } : {}), ...(substring ? { substring } : {}), at: file.locate(node) });
    };

    // `Model.col <op> value` and `Model.col.in_(…)`: class-level column expressions only occur in queries.
    for (const attr of file.findAll({ kind: 'attribute' })) {
      const model = modelOf(attr.field('object'));
      const column = attr.field('attribute')?.text() ?? '';
      if (!model || !fieldNames.has(column)) continue;
      const parent = attr.parent();
      let operand: SyntaxNode | undefined;
      let context: SyntaxNode | undefined;
      if (parent?.kind() === 'comparison_operator') {
        context = parent;
        operand = parent.children().find((c) => c.isNamed() && c.range().start.index !== attr.range().start.index);
      } else if (parent?.kind() === 'attribute' && SA_COLUMN_METHODS.test(parent.field('attribute')?.text() ?? '') && parent.parent()?.kind() === 'call') {
        context = parent.parent()!;
        operand = describePyCall(context)?.args[0];
      } else continue;
      const substring = context.kind() === 'call' && SUBSTRING_METHODS.test(parent.field('attribute')?.text() ?? '');
      const query = enclosingQuery(context);
      const queryKey = query ? key(file, queryOrigin(file, query)) : undefined;
      for (const literal of pyLiterals(operand)) push(model, column, 'filter', context, literal, queryKey, substring);
      if (!pyLiterals(operand).length) push(model, column, 'filter', context, undefined, queryKey, substring);
    }

    for (const callNode of file.findAll({ kind: 'call' })) {
      const call = describePyCall(callNode);
      if (!call) continue;
      const fn = callNode.field('function');
      const method = fn?.kind() === 'attribute' ? fn.field('attribute')?.text() : undefined;
      // Model(col="x"): stored literals.
      const ctorModel = fn?.kind() === 'identifier' ? local.get(fn.text()) : undefined;
      if (ctorModel) {
        for (const [name, value] of call.keywords) for (const literal of pyLiterals(value)) push(ctorModel, name, 'assign', value, literal);
        continue;
      }
      // get_object_or_404(Model, col=…)
      if (/(^|\.)get_object_or_404$|(^|\.)get_list_or_404$/.test(call.callee)) {
        const model = modelOf(call.args[0]);
        if (model) pushKeywordFilters(model, call, callNode);
        continue;
      }
      if (!method) continue;
      // Model.objects.filter(col=…), query(Model).filter_by(col=…), Model.query.filter_by(…)
      if (PY_FILTER_METHODS.test(method) && (call.keywords.size || call.args.some((a) => a.kind() === 'call' && /(^|\.)Q$/.test(a.field('function')?.text() ?? '')))) {
        const model = queryModel(fn!.field('object'), modelOf);
        if (model) pushKeywordFilters(model, call, callNode);
        continue;
      }
      // Model.objects.create(col="x") / .update(col="x")
      if (/^(create|update|bulk_create)$/.test(method) && call.keywords.size) {
        const model = queryModel(fn!.field('object'), modelOf);
        if (model) for (const [name, value] of call.keywords) for (const literal of pyLiterals(value)) push(model, name.split('__')[0], 'assign', value, literal);
      }
    }

    /** The model a local variable holds, from its annotation (`pack: ActorPack`) or the call that loaded it (`db.get(ActorPack, id)`, `query(ActorPack)…first()`). */
    function instanceModel(object: SyntaxNode, column: string): OrmModel | undefined {
      if (object.kind() !== 'identifier') return undefined;
      const fn = enclosingPyFunction(object);
      const binding = fn ? pyLocalBinding(fn, object.text(), object.range().start.index, file) : undefined;
      if (!binding || binding === 'global') return undefined;
      const candidates: SyntaxNode[] = [];
      if (binding.annotation) candidates.push(...binding.annotation.findAll({ rule: { kind: 'identifier' } }));
      if (binding.value) candidates.push(...binding.value.findAll({ rule: { kind: 'identifier' } }));
      for (const id of candidates) {
        const model = local.get(id.text());
        if (model && findOrmField(model, column)) return model;
      }
      return undefined;
    }

    function pushKeywordFilters(model: OrmModel, call: NonNullable<ReturnType<typeof describePyCall>>, callNode: SyntaxNode) {
      const query = key(file, queryOrigin(file, chainTop(callNode)));
      for (const [name, value] of call.keywords) {
        if (/^(defaults|create_defaults)$/.test(name)) continue;
        const column = name.split('__')[0];
        const field = findOrmField(model, column);
        if (!field) continue;
        // `user__email=…` filters the related table, not this one's column.
        if (name.includes('__') && field.foreignKey && !/__(in|exact|isnull|id)$/.test(name)) continue;
        const substring = /__(i?contains|i?endswith|iexact|search|regex|iregex|trigram_similar)$/.test(name);
        const literals = pyLiterals(value);
        if (literals.length) for (const literal of literals) push(model, column, 'filter', value, literal, query, substring);
        else push(model, column, 'filter', value, undefined, query, substring);
      }
      for (const q of call.args) {
        if (q.kind() !== 'call' || !/(^|\.)Q$/.test(q.field('function')?.text() ?? '')) continue;
        const inner = describePyCall(q)!;
        for (const [name, value] of inner.keywords) {
          const column = name.split('__')[0];
          if (!findOrmField(model, column)) continue;
          const literals = pyLiterals(value);
          if (literals.length) for (const literal of literals) push(model, column, 'filter', value, literal, query);
          else push(model, column, 'filter', value, undefined, query);
        }
      }
    }

    // obj.col = "x" and obj.col == "x" on loaded instances.
    for (const node of file.findAll({ any: [{ kind: 'assignment' }, { kind: 'comparison_operator' }] })) {
      const [left, right] = node.kind() === 'assignment' ? [node.field('left'), node.field('right')] : node.children().filter((c) => c.isNamed());
      for (const [target, other] of [
        [left, right],
        [right, left],
      ] as const) {
        if (target?.kind() !== 'attribute') continue;
        const object = target.field('object');
        const column = target.field('attribute')?.text() ?? '';
        if (!object || !fieldNames.has(column) || modelOf(object)) continue;
        const literals = pyLiterals(other ?? undefined);
        if (!literals.length) continue;
        const model = instanceModel(object, column) ?? modelByVariable(pyModels, object.text(), column);
        if (!model) continue;
        for (const literal of literals) push(model, column, node.kind() === 'assignment' ? 'assign' : 'compare', node, literal);
        if (node.kind() === 'assignment') break;
      }
    }
  }
  return out;
}

/** String literals in a value: `"x"`, `["a", "b"]`, `("a", "b")`, `{"a", "b"}`. */
function pyLiterals(value: SyntaxNode | null | undefined): string[] {
  if (!value) return [];
  const single = pyStringValue(value);
  if (single !== undefined) return [single];
  if (/^(list|tuple|set)$/.test(String(value.kind()))) {
    const items = value.children().filter((c) => c.isNamed() && c.kind() !== 'comment').map((c) => pyStringValue(c));
    return items.every((i) => i !== undefined) ? (items as string[]) : [];
  }
  return [];
}

/** The call chain a node sits in (`db.query(A).filter(…).filter(…).first()`): its outermost call. */
function chainTop(node: SyntaxNode): SyntaxNode {
  let current = node;
  for (let parent = current.parent(); parent && (parent.kind() === 'attribute' || parent.kind() === 'call'); parent = current.parent()) current = parent;
  return current;
}

/**
 * Where a query built step by step starts: `query = select(A).where(A.owner_id == …)` then
 * `query = query.where(A.status == …)` are one query; its key is the first statement's chain.
 */
function queryOrigin(file: ParsedFile, top: SyntaxNode, depth = 0): SyntaxNode {
  let base: SyntaxNode | null = top;
  while (base && (base.kind() === 'call' || base.kind() === 'attribute')) base = base.kind() === 'call' ? base.field('function') : base.field('object');
  if (depth > 6 || base?.kind() !== 'identifier') return top;
  const fn = enclosingPyFunction(top);
  const binding = fn ? pyLocalBinding(fn, base.text(), top.range().start.index, file) : undefined;
  if (!binding || binding === 'global' || !binding.value || (binding.value.kind() !== 'call' && binding.value.kind() !== 'attribute')) return top;
  return queryOrigin(file, binding.value, depth + 1);
}

/** The query chain a column expression is filtered in: the outermost call of the nearest `.filter()` / `.where()` around it. */
function enclosingQuery(node: SyntaxNode): SyntaxNode | undefined {
  for (let current = node.parent(); current; current = current.parent()) {
    const kind = String(current.kind());
    if (kind === 'call') {
      const fn = current.field('function');
      if (fn?.kind() === 'attribute' && /^(filter|where|having|join|outerjoin|filter_by)$/.test(fn.field('attribute')?.text() ?? '')) return chainTop(current);
    }
    if (/^(function_definition|class_definition|module)$/.test(kind)) return undefined;
  }
  return undefined;
}

/** The model a query chain is over: `Model.objects…`, `Model.query…`, `session.query(Model)…`, `select(Model)…`. */
function queryModel(expr: SyntaxNode | null | undefined, modelOf: (e: SyntaxNode | null | undefined) => OrmModel | undefined): OrmModel | undefined {
  for (let current = expr, depth = 0; current && depth < 12; depth++) {
    const kind = current.kind();
    if (kind === 'attribute') {
      const attr = current.field('attribute')?.text();
      const object = current.field('object');
      if ((attr === 'objects' || attr === 'query' || attr === '_default_manager') && modelOf(object)) return modelOf(object);
      current = object;
    } else if (kind === 'call') {
      const fn = current.field('function');
      const name = fn?.kind() === 'attribute' ? fn.field('attribute')?.text() : fn?.text();
      if (/^(query|select|exists)$/.test(name ?? '')) {
        const model = modelOf(describePyCall(current)?.args[0]);
        if (model) return model;
      }
      current = fn;
    } else if (kind === 'identifier') {
      return undefined;
    } else return undefined;
  }
  return undefined;
}

// ── JS / TS: Prisma and TypeORM ────────────────────────────────────────────────────────────

function jsUses(files: ParsedFiles, models: OrmModel[]): ColumnUse[] {
  const prisma = models.filter((m) => m.orm === 'prisma');
  const typeorm = models.filter((m) => m.orm === 'typeorm');
  if (!prisma.length && !typeorm.length) return [];
  const out: ColumnUse[] = [];
  const byDelegate = new Map(prisma.map((m) => [m.name.charAt(0).toLowerCase() + m.name.slice(1), m]));
  const entities = new Map(typeorm.map((m) => [m.name, m]));
  const needles = [...(prisma.length ? ['where', 'data'] : []), ...(typeorm.length ? ['Repository', 'find', 'where'] : []), '==='];
  for (const file of files.ofKind('js', { containing: needles, includeTests: false })) {
    if (!file.ast || NOT_PRODUCTION.test(file.path)) continue;
    const repos = typeorm.length ? repositoryEntities(file, entities) : new Map<string, OrmModel>();
    const push = (model: OrmModel, name: string, kind: ColumnUse['kind'], node: SyntaxNode, literal?: string, query?: string) => {
      const field = findOrmField(model, name);
      if (field) out.push({ model, field, kind, ...(literal !== undefined ? { literal } : {}), ...(query ? { query } : {}), at: file.locate(node) });
    };
    const whereObject = (model: OrmModel, object: SyntaxNode | undefined, query: string) => {
      for (const pair of object?.kind() === 'object' ? object.children() : []) {
        if (pair.kind() === 'shorthand_property_identifier') {
          push(model, pair.text(), 'filter', pair, undefined, query);
          continue;
        }
        if (pair.kind() !== 'pair') continue;
        const name = jsStringValue(pair.field('key')) ?? pair.field('key')?.text() ?? '';
        const value = pair.field('value') ?? undefined;
        if (/^(AND|OR|NOT)$/.test(name)) {
          for (const inner of value?.kind() === 'array' ? value.children() : [value]) if (inner) whereObject(model, inner, query);
          continue;
        }
        const field = findOrmField(model, name);
        if (!field) continue;
        const literals = jsLiterals(value);
        if (literals.length) for (const literal of literals) push(model, name, 'filter', pair, literal, query);
        else push(model, name, 'filter', pair, undefined, query);
      }
    };
    const dataObject = (model: OrmModel, object: SyntaxNode | undefined) => {
      for (const pair of object?.kind() === 'object' ? object.children() : []) {
        if (pair.kind() !== 'pair') continue;
        const name = jsStringValue(pair.field('key')) ?? pair.field('key')?.text() ?? '';
        for (const literal of jsLiterals(pair.field('value'))) push(model, name, 'assign', pair, literal);
      }
    };
    for (const callNode of file.findAll({ kind: 'call_expression' })) {
      const call = describeJsCall(callNode);
      const fn = callNode.field('function');
      if (!call || fn?.kind() !== 'member_expression') continue;
      const method = fn.field('property')?.text() ?? '';
      const receiver = fn.field('object');
      const arg = call.args[0];
      const query = key(file, callNode);
      // prisma.user.findMany({ where }), this.prisma.user…, tx.user…
      const delegate = receiver?.kind() === 'member_expression' ? receiver.field('property')?.text() : undefined;
      const prismaModel = delegate && PRISMA_METHODS.test(method) ? byDelegate.get(delegate) : undefined;
      if (prismaModel && arg?.kind() === 'object') {
        whereObject(prismaModel, jsObjectProperty(arg, 'where'), query);
        dataObject(prismaModel, jsObjectProperty(arg, 'data'));
        dataObject(prismaModel, jsObjectProperty(arg, 'create'));
        continue;
      }
      if (!typeorm.length || !TYPEORM_WHERE_METHODS.test(method) && !/^(create|save|insert)$/.test(method)) continue;
      // repo.findOne({ where }), Entity.findBy({…}), manager.find(Entity, { where })
      let entity = receiver ? (repos.get(receiver.text()) ?? entities.get(receiver.text())) : undefined;
      let options = arg;
      if (!entity && arg?.kind() === 'identifier' && entities.has(arg.text())) {
        entity = entities.get(arg.text());
        options = call.args[1];
      }
      if (!entity || options?.kind() !== 'object') continue;
      if (/^(create|save|insert)$/.test(method)) dataObject(entity, options);
      else if (/By$|ByOrFail$/.test(method) || method === 'delete' || method === 'update') whereObject(entity, options, query);
      else {
        const where = jsObjectProperty(options, 'where');
        for (const w of where?.kind() === 'array' ? where.children() : [where]) if (w) whereObject(entity, w, query);
      }
    }
    // obj.status === 'paid'
    const all = [...prisma, ...typeorm];
    for (const node of file.findAll({ kind: 'binary_expression' })) {
      if (!/^[!=]==?$/.test(node.field('operator')?.text() ?? '')) continue;
      for (const [target, other] of [
        [node.field('left'), node.field('right')],
        [node.field('right'), node.field('left')],
      ] as const) {
        if (target?.kind() !== 'member_expression') continue;
        const column = target.field('property')?.text() ?? '';
        const literal = jsStringValue(other);
        if (literal === undefined) continue;
        const model = modelByVariable(all, target.field('object')?.text() ?? '', column);
        if (model) push(model, column, 'compare', node, literal);
      }
    }
  }
  return out;
}

function jsLiterals(value: SyntaxNode | null | undefined): string[] {
  if (!value) return [];
  const single = jsStringValue(value);
  if (single !== undefined) return [single];
  if (value.kind() === 'object') {
    const inList = jsObjectProperty(value, 'in') ?? jsObjectProperty(value, 'equals');
    return inList ? jsLiterals(inList) : [];
  }
  if (value.kind() === 'array') {
    const items = value.children().filter((c) => c.isNamed()).map((c) => jsStringValue(c));
    return items.every((i) => i !== undefined) ? (items as string[]) : [];
  }
  return [];
}

/** TypeORM repositories of a file: `getRepository(User)`, `@InjectRepository(User) private users`, `users: Repository<User>`. */
function repositoryEntities(file: ParsedFile, entities: Map<string, OrmModel>): Map<string, OrmModel> {
  const out = new Map<string, OrmModel>();
  for (const m of file.text.matchAll(/(?:(?:const|let|var|readonly|private|public|protected)\s+)?(\w+)\s*(?::[^=;\n]*)?=\s*[\w.]*getRepository\(\s*(\w+)\s*\)/g)) {
    const entity = entities.get(m[2]);
    if (entity) out.set(m[1], entity).set(`this.${m[1]}`, entity);
  }
  for (const m of file.text.matchAll(/@InjectRepository\(\s*(\w+)\s*\)\s*(?:(?:private|public|protected|readonly)\s+)*(\w+)/g)) {
    const entity = entities.get(m[1]);
    if (entity) out.set(`this.${m[2]}`, entity).set(m[2], entity);
  }
  for (const m of file.text.matchAll(/(\w+)\s*[!?]?:\s*Repository<\s*(\w+)\s*>/g)) {
    const entity = entities.get(m[2]);
    if (entity) out.set(`this.${m[1]}`, entity).set(m[1], entity);
  }
  return out;
}

// ── Raw SQL ────────────────────────────────────────────────────────────────────────────────

const SQL_STATEMENT = /\b(select\b[\s\S]*?\bfrom|update|delete\s+from)\s+["`]?(\w+)["`]?(?:\s+(?:as\s+)?(\w+))?[\s\S]*?\bwhere\b([\s\S]*)/i;
const SQL_CONDITION = /(?:\b(\w+)\.)?["`]?(\w+)["`]?\s*(?:=|<>|!=|>=|<=|>|<|\bin\b|\blike\b|\bilike\b|\bis\b|\bbetween\b|\bany\b)/gi;
const SQL_KEYWORDS = /^(and|or|not|where|select|from|null|true|false|case|when|then|else|end|exists|lower|upper|coalesce|now|interval)$/i;

/** `SELECT … FROM orders o WHERE o.status = $1 AND customer_id = %s` in string literals handed to the database. */
function sqlUses(files: ParsedFiles, models: OrmModel[]): ColumnUse[] {
  const byTable = new Map(models.map((m) => [m.table.toLowerCase(), m]));
  const out: ColumnUse[] = [];
  const strings = [
    ...files.ofKind('python', { containing: ['WHERE', 'where'], includeTests: false }).map((file) => ({ file, nodes: file.findAll({ kind: 'string' }) })),
    ...files.ofKind('js', { containing: ['WHERE', 'where'], includeTests: false }).map((file) => ({ file, nodes: file.findAll({ any: [{ kind: 'string' }, { kind: 'template_string' }] }) })),
  ];
  for (const { file, nodes } of strings) {
    if (NOT_PRODUCTION.test(file.path)) continue;
    for (const node of nodes) {
      const text = node.text();
      if (!/\bwhere\b/i.test(text)) continue;
      const m = SQL_STATEMENT.exec(text);
      if (!m) continue;
      const tables = new Map<string, OrmModel>();
      const main = byTable.get(m[2].toLowerCase());
      if (main) {
        tables.set(m[2].toLowerCase(), main);
        if (m[3] && !SQL_KEYWORDS.test(m[3])) tables.set(m[3].toLowerCase(), main);
      }
      for (const join of text.matchAll(/\bjoin\s+["`]?(\w+)["`]?(?:\s+(?:as\s+)?(\w+))?/gi)) {
        const joined = byTable.get(join[1].toLowerCase());
        if (joined) tables.set(join[1].toLowerCase(), joined).set((join[2] ?? join[1]).toLowerCase(), joined);
      }
      if (!tables.size) continue;
      const where = m[4].split(/\b(order\s+by|group\s+by|limit|returning|on\s+conflict)\b/i)[0];
      const query = key(file, node);
      for (const cond of where.matchAll(SQL_CONDITION)) {
        const column = cond[2];
        if (SQL_KEYWORDS.test(column) || /^\d/.test(column)) continue;
        const model = cond[1] ? tables.get(cond[1].toLowerCase()) : main;
        const field = model?.fields.find((f) => f.column === column);
        if (model && field) out.push({ model, field, kind: 'filter', query, at: file.locate(node) });
      }
    }
  }
  return out;
}
