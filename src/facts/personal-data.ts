/**
 * Personal and health data in the code, for the compliance profiles: which stored fields hold
 * health data (PHI), government identifiers, special-category data (GDPR Art. 9) or contact data,
 * read from the data models (SQLAlchemy / SQLModel / Django / Pydantic classes, Prisma models,
 * TypeORM entities, SQL `CREATE TABLE`); whether each is encrypted (EncryptedType,
 * django-cryptography / fernet fields, `/// @encrypted` Prisma fields, TypeORM encryption
 * transformers, pgcrypto, application-level `encrypt(...)` of the value) or the database storage
 * is (Terraform `storage_encrypted`, KMS keys); which routes touch such data; where the code
 * writes audit records; and what deletes personal data (erasure routes, retention purges). The
 * compliance rules and the compliance assessment read the same facts; the profile suggestion
 * (HIPAA when health data is handled, GDPR for special-category or identifying data) comes from here.
 *
 * Database models are the tables of facts/orm-models.ts (one extractor for every ORM); Pydantic
 * schemas and SQL `CREATE TABLE` files, which no ORM declares, are read here.
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import type { ComplianceProfile, RepoIndex, Route } from '../model/repo-index.ts';
import { ormModels } from './orm-models.ts';

export type PersonalCategory = 'health' | 'identifier' | 'special' | 'contact' | 'financial';

export interface PersonalName {
  category: PersonalCategory;
  /** What the value is, in words: "a diagnosis", "an email address". */
  what: string;
}

const RULES: [RegExp, PersonalCategory, string][] = [
  [/_(diagnos[ie]s|icd_?10|icd_?code|cpt_?code)_/, 'health', 'a diagnosis'],
  [/_(medical_(history|records?|notes?|conditions?)|health_(records?|notes?|conditions?|data|history|status|info)|clinical_notes?|patient_notes?|therapy_notes?|therapist_notes?|session_notes?|mrn|medical_record_number)_/, 'health', 'health records'],
  [/_(prescriptions?|medications?|dosage|drug_names?)_/, 'health', 'medication data'],
  [/_(symptoms?|allerg(y|ies)|blood_(type|pressure|sugar|glucose)|heart_rate|bmi|lab_results?|test_results?|vaccinations?|disabilit(y|ies)|pregnan(t|cy)|mental_health|treatments?|conditions?_list|hiv_status)_/, 'health', 'health measurements or conditions'],
  [/_(ssn|social_security(_number)?|national_(id|insurance)(_number)?|passport(_number|_no)?|driver_?s?_licen[cs]e(_number)?|tax_id|tin|nin)_/, 'identifier', 'a government identifier'],
  [/_(insurance_(id|number|member_id)|policy_number|health_plan_id|medicare_(id|number)|medicaid_(id|number))_/, 'health', 'a health-insurance identifier'],
  [/_(ethnicity|race|religion|religious_belief|sexual_orientation|political_(opinion|affiliation|party)|trade_union|genetic(_data)?|biometric(_data|_template)?|face_(embedding|encoding|template)|fingerprint_template|voice_print)_/, 'special', 'special-category data'],
  [/_(card_number|credit_card|cc_number|iban|bank_account(_number)?|account_number|routing_number)_/, 'financial', 'payment account data'],
  [/_(date_of_birth|dob|birth_?date|birthday)_$/, 'contact', 'a date of birth'],
  [/_(email|email_address)_$/, 'contact', 'an email address'],
  [/_(phone|phone_number|mobile|mobile_number|telephone|caller_number|caller_phone|from_number)_$/, 'contact', 'a phone number'],
  [/_(address|street|street_address|address_line_?\d?|postcode|postal_code|zip_code|home_address)_$/, 'contact', 'a postal address'],
  [/_(first_name|last_name|full_name|surname|given_name|family_name|legal_name|patient_name)_$/, 'contact', 'a person\'s name'],
  [/_(ip_address|remote_addr|client_ip)_$/, 'contact', 'an IP address'],
  [/_(gender)_$/, 'contact', 'gender'],
];
/** Names that carry one of the words above without holding the value. */
const NOT_VALUE = /_(id|ids|count|verified|confirmed|enabled|sent|at|hash|hashed|type|status_code|template_id|format|regex|pattern|field|label|exists|changed|required|valid|opt_in|consent|key|url)_$/;

export function classifyPersonalName(name: string): PersonalName | undefined {
  const joined = `_${name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join('_')}_`;
  if (joined === '__' || NOT_VALUE.test(joined)) return undefined;
  for (const [re, category, what] of RULES) if (re.test(joined)) return { category, what };
  return undefined;
}

// ---- data models ----

export interface DataField {
  model: string;
  name: string;
  /** The declaration as written (type and options). */
  declaration: string;
  at: Location;
  personal?: PersonalName;
  /** Where the field (or its value) is encrypted, when it is. */
  encrypted?: Location;
}

export interface DataModel {
  name: string;
  kind: 'sqlalchemy' | 'django' | 'sqlmodel' | 'pydantic' | 'prisma' | 'typeorm' | 'sql';
  /** Stored in a database (not a request/response schema). */
  storage: boolean;
  file: string;
  at: Location;
  fields: DataField[];
}

const FIELD_ENCRYPTION = /Encrypt(ed)?\w*(Type|Field|Column|Char|Text|String|Transformer)|\bencrypt\s*\(|\bencrypted\s*[:=]\s*true|@encrypted|EncryptionTransformer|pgp_sym_encrypt|StringEncryptedType|FernetField|fernet/i;
const PY_CLASS = /^class\s+(\w+)\s*\(([^)]*)\)\s*:/;

/** Pydantic (and non-table SQLModel) schemas: the personal data an API accepts and returns. */
function readPydanticSchemas(file: ParsedFile): DataModel[] {
  const models: DataModel[] = [];
  const lines = file.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = PY_CLASS.exec(lines[i]);
    if (!m) continue;
    const bases = m[2];
    const kind: DataModel['kind'] | undefined = /\bmodels\.Model\b|\bAbstractUser\b|\bAbstractBaseUser\b/.test(bases)
      ? 'django'
      : /\bSQLModel\b/.test(bases)
        ? /table\s*=\s*True/.test(bases)
          ? 'sqlmodel'
          : 'pydantic'
        : /\b(Base|DeclarativeBase|db\.Model|Model)\b/.test(bases) && /sqlalchemy|flask_sqlalchemy|Mapped\[|Column\(|mapped_column/.test(file.text)
          ? 'sqlalchemy'
          : /\bBaseModel\b|\bSchema\b/.test(bases)
            ? 'pydantic'
            : undefined;
    // Database models come from the ORM model facts; this reader keeps the request/response schemas.
    if (kind !== 'pydantic') continue;
    const model: DataModel = { name: m[1], kind, storage: false, file: file.path, at: file.locateLines(i + 1), fields: [] };
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j];
      if (line.trim() && !/^\s/.test(line)) break;
      const field = /^ {4}(\w+)\s*(?::\s*([^=]+?))?\s*(?:=\s*(.+))?$/.exec(line);
      if (!field || field[1].startsWith('_') || field[1] === 'class' || (!field[2] && !field[3])) continue;
      const declaration = `${field[2] ?? ''} ${field[3] ?? ''}`.trim();
      model.fields.push(fieldOf(file, model, field[1], declaration, j + 1));
    }
    models.push(model);
  }
  return models;
}

function fieldOf(file: ParsedFile, model: DataModel, name: string, declaration: string, line: number): DataField {
  const personal = classifyPersonalName(name);
  const at = file.locateLines(line);
  return { model: model.name, name, declaration, at, ...(personal ? { personal } : {}), ...(FIELD_ENCRYPTION.test(declaration) ? { encrypted: at } : {}) };
}

/** Tables the ORM model facts read (SQLAlchemy, SQLModel, Django, Prisma, TypeORM), as data models; a field's declaration is its source line(s), with a Prisma `/// @encrypted` comment above it. */
function readOrmTables(files: ParsedFiles): DataModel[] {
  const out: DataModel[] = [];
  for (const table of ormModels(files)) {
    const file = files.get(table.file);
    if (!file || file.isTest) continue;
    const model: DataModel = { name: table.name, kind: table.orm, storage: true, file: table.file, at: table.at, fields: [] };
    for (const field of table.fields) {
      const line = field.at.startLine ?? 1;
      const source = Array.from({ length: Math.max(1, (field.at.endLine ?? line) - line + 1) }, (_, i) => file.line(line + i)).join(' ');
      const above = table.orm === 'prisma' && line > 1 && /^\s*\/\/\/\s*@encrypted/.test(file.line(line - 1)) ? ' @encrypted' : '';
      model.fields.push(fieldOf(file, model, field.name, `${field.rawType} ${source.trim()}${above}`, line));
    }
    out.push(model);
  }
  return out;
}

function readSqlTables(file: ParsedFile): DataModel[] {
  const models: DataModel[] = [];
  const re = /create\s+table\s+(?:if\s+not\s+exists\s+)?["`]?(\w+)["`]?\s*\(/gi;
  for (const m of file.text.matchAll(re)) {
    const startLine = file.position(m.index ?? 0).line;
    const model: DataModel = { name: m[1], kind: 'sql', storage: true, file: file.path, at: file.locateLines(startLine), fields: [] };
    const lines = file.text.split('\n');
    for (let j = startLine; j < lines.length; j++) {
      const line = lines[j];
      if (/^\s*\)\s*;?/.test(line)) break;
      const col = /^\s*["`]?(\w+)["`]?\s+([A-Za-z]\w*(\s*\([^)]*\))?)(.*)$/.exec(line);
      if (!col || /^(primary|foreign|unique|constraint|check|index|key)$/i.test(col[1])) continue;
      model.fields.push(fieldOf(file, model, col[1], `${col[2]}${col[4]}`.replace(/,\s*$/, ''), j + 1));
    }
    models.push(model);
  }
  return models;
}

// ---- facts ----

export interface PersonalDataFacts {
  models: DataModel[];
  /** Fields of stored models (and request schemas) that hold personal data. */
  fields: DataField[];
  /** Routes whose path, handler, inputs or body name personal data or a model holding it. */
  routes: { route: Route; what: string[]; categories: PersonalCategory[] }[];
  /** Storage-level encryption configured in the repository (Terraform / CloudFormation / ORM connection options). */
  storageEncryption: Location[];
  /** Databases the repository runs itself on plain volumes (compose / Kubernetes images, SQLite files): storage not encrypted by the platform. */
  selfHostedStores: Location[];
  /** Where audit records are written (calls, middleware, an audit-log model). */
  auditLog: { writers: Location[]; models: string[] };
  /** Routes that delete a person's data (account deletion, GDPR erasure). */
  erasureRoutes: Route[];
  /** Functions that erase or anonymise a person's data (`erase_user_data`, `anonymize_account`). */
  erasureFunctions: Location[];
  /** Retention: purge jobs and retention settings. */
  retention: Location[];
  /** The profile this data calls for, and why. */
  suggestion?: { profile: ComplianceProfile; reasons: string[] };
}

const AUDIT_CALL = /\b(audit_?log|log_?audit|record_?audit|audit_?event|audit_?trail|write_?audit|AuditLog|AuditEvent|AuditTrail|auditLogger|audit_logger|createAuditLog|createAuditEvent)\w*\s*[.(]/i;
const AUDIT_MODEL = /^(audit\w*|\w*audit_?(log|event|trail|record)s?|access_?logs?|activity_?logs?)$/i;
const ERASURE_PATH = /(^|\/)(me|account|accounts|users?|profile|patients?|members?|customers?)(\/[{<:][^/]*[}>]?)?\/?$|(gdpr|erase|erasure|forget|forget-me|delete-account|delete_account|data-deletion|right-to-be-forgotten)/i;
const ERASURE_FUNCTION = /^\s*(?:async\s+)?(?:def|function|export\s+(?:async\s+)?function|const)\s+(erase\w*|anonymi[sz]e\w*|forget_\w+|delete_user_data|deleteUserData|delete_(my_)?account|deleteAccount|gdpr_\w*delete\w*|purge_user\w*)\b/im;
const RETENTION = /\b(retention_?(days|period|policy)|RETENTION_\w+|purge_\w+|delete_expired\w*|expire_old\w*|cleanup_old\w*|data_retention|ttl_days|older_than|purgeExpired|deleteExpired)\b/;
const STORAGE_ENCRYPTION = /\b(storage_encrypted\s*=\s*true|StorageEncrypted\s*:\s*true|kms_key_(id|arn)\s*=|encrypted\s*=\s*true|disk_encryption_key|encryption_at_rest|server_side_encryption|sslmode=verify-full)\b/i;
const SELF_HOSTED_DB = /^\s*image:\s*["']?(postgres|postgis\/postgis|mysql|mariadb|mongo|bitnami\/(postgresql|mysql|mongodb))(:|["'\s]|$)/m;

const cache = new WeakMap<ParsedFiles, PersonalDataFacts>();

export function personalDataFacts(index: RepoIndex, files: ParsedFiles): PersonalDataFacts {
  const cached = cache.get(files);
  if (cached) return cached;
  const models: DataModel[] = readOrmTables(files);
  for (const file of files.ofKind('python', { containing: ['BaseModel', 'Schema', 'SQLModel'], includeTests: false })) models.push(...readPydanticSchemas(file));
  for (const file of files.all) if (!file.isTest && /\.sql$/i.test(file.path) && !/(^|\/)(migrations?|versions)\//.test(file.path)) models.push(...readSqlTables(file));

  // Application-level encryption: `record.diagnosis = fernet.encrypt(...)`, `encrypt(data.ssn)`.
  const encryptWrites = new Map<string, Location>();
  for (const file of [...files.ofKind('python', { containing: ['encrypt'], includeTests: false }), ...files.ofKind('js', { containing: ['encrypt'], includeTests: false })]) {
    file.text.split('\n').forEach((line, i) => {
      if (!/encrypt\w*\s*\(/i.test(line)) return;
      for (const m of line.matchAll(/\b(\w+)\s*=\s*[\w.]*encrypt\w*\s*\(|encrypt\w*\s*\(\s*[\w.]*?\.?(\w+)\s*[),]/gi)) {
        const name = m[1] ?? m[2];
        if (name && !encryptWrites.has(name)) encryptWrites.set(name, file.locateLines(i + 1, undefined, 'encrypted by the application'));
      }
    });
  }
  const fields: DataField[] = [];
  for (const model of models)
    for (const field of model.fields) {
      if (!field.personal) continue;
      if (!field.encrypted && encryptWrites.has(field.name)) field.encrypted = encryptWrites.get(field.name);
      fields.push(field);
    }

  const sensitiveModels = new Map(models.filter((m) => m.fields.some((f) => f.personal)).map((m) => [m.name, { storage: m.storage, categories: new Set(m.fields.map((f) => f.personal?.category).filter((c): c is PersonalCategory => !!c)) }]));
  const routes: PersonalDataFacts['routes'] = [];
  for (const route of index.routes) {
    const what = new Set<string>();
    const categories = new Set<PersonalCategory>();
    const names = [...route.path.split(/[^A-Za-z0-9_]+/), route.handler.name, ...route.inputs.map((i) => i.name)];
    for (const n of names) {
      const hit = classifyPersonalName(n);
      if (hit) {
        what.add(hit.what);
        categories.add(hit.category);
      }
    }
    if (/(^|\/)(patients?|medical[-_]?\w*|health[-_]records?|diagnos\w*|prescriptions?|medications?|symptoms?)(\/|$)/i.test(route.path)) {
      what.add('health records');
      categories.add('health');
    }
    const body = route.handler.node?.text() ?? '';
    for (const [model, info] of sensitiveModels)
      if (new RegExp(`\\b${model}\\b`).test(body)) {
        what.add(info.storage ? `${model} records` : `${model} bodies`);
        for (const c of info.categories) categories.add(c);
      }
    for (const f of fields)
      if (f.personal?.category === 'health' && new RegExp(`\\b${f.name}\\b`).test(body)) {
        what.add(f.personal.what);
        categories.add('health');
      }
    if (what.size) routes.push({ route, what: [...what].sort(), categories: [...categories].sort() });
  }

  const storageEncryption: Location[] = [];
  const selfHostedStores: Location[] = [];
  const auditWriters: Location[] = [];
  const retention: Location[] = [];
  for (const file of files.all) {
    if (file.isTest) continue;
    const infra = /\.(tf|hcl|ya?ml|json|toml)$/.test(file.path);
    const code = file.kind === 'python' || file.kind === 'js';
    if (!infra && !code) continue;
    file.text.split('\n').forEach((line, i) => {
      if (infra && STORAGE_ENCRYPTION.test(line)) storageEncryption.push(file.locateLines(i + 1, undefined, 'storage encryption'));
      if (code && AUDIT_CALL.test(line) && !/^\s*(#|\/\/|\*|import\b|from\b)/.test(line)) auditWriters.push(file.locateLines(i + 1, undefined, 'audit record written here'));
      if ((code || infra) && RETENTION.test(line) && !/^\s*(#|\/\/)/.test(line)) retention.push(file.locateLines(i + 1, undefined, 'retention or purge'));
    });
    if (file.kind === 'yaml') {
      const m = SELF_HOSTED_DB.exec(file.text);
      if (m) selfHostedStores.push(file.locateLines(file.position(m.index + (m[0].length - m[0].trimStart().length)).line, undefined, 'database run on a plain container volume'));
    }
    if (/\.(sqlite3?|db)['"]|sqlite:\/\//.test(file.text) && code) {
      const at = file.text.search(/sqlite:\/\/|\.sqlite3?['"]/);
      if (at >= 0) selfHostedStores.push(file.locateLines(file.position(at).line, undefined, 'SQLite file database'));
    }
  }
  const auditModels = models.filter((m) => m.storage && AUDIT_MODEL.test(m.name.replace(/([a-z])([A-Z])/g, '$1_$2'))).map((m) => m.name);
  const erasureRoutes = index.routes.filter((r) => r.method === 'DELETE' && ERASURE_PATH.test(r.path));
  const erasureFunctions: Location[] = [];
  for (const file of [...files.ofKind('python', { containing: ['def '], includeTests: false }), ...files.ofKind('js', { containing: ['function', '=>'], includeTests: false })]) {
    const m = ERASURE_FUNCTION.exec(file.text);
    if (m) erasureFunctions.push(file.locateLines(file.position(m.index + (m[0].length - m[0].trimStart().length)).line, undefined, 'erases personal data'));
  }

  const facts: PersonalDataFacts = {
    models,
    fields,
    routes,
    storageEncryption,
    selfHostedStores,
    auditLog: { writers: auditWriters, models: auditModels },
    erasureRoutes,
    erasureFunctions,
    retention,
    ...suggest(fields, routes),
  };
  cache.set(files, facts);
  return facts;
}

/** HIPAA when health data is stored or accepted; GDPR for special-category data, government identifiers, or several kinds of contact data. */
function suggest(fields: DataField[], routes: PersonalDataFacts['routes']): { suggestion?: PersonalDataFacts['suggestion'] } {
  const describe = (f: DataField) => `${f.model}.${f.name} (${f.at.file}:${f.at.startLine}): ${f.personal!.what}`;
  const health = fields.filter((f) => f.personal?.category === 'health');
  const healthRoutes = routes.filter((r) => r.categories.includes('health') && !health.some((f) => r.what.includes(`${f.model} records`)));
  if (health.length || healthRoutes.length)
    return { suggestion: { profile: 'hipaa', reasons: [...health.slice(0, 8).map(describe), ...healthRoutes.slice(0, 4).map((r) => `route ${r.route.method} ${r.route.path} (${r.route.at.file}:${r.route.at.startLine}): health records`)] } };
  const strong = fields.filter((f) => f.personal && ['special', 'identifier'].includes(f.personal.category));
  const contactKinds = new Set(fields.filter((f) => f.personal?.category === 'contact').map((f) => f.personal!.what));
  if (strong.length || contactKinds.size >= 4)
    return { suggestion: { profile: 'gdpr', reasons: [...strong, ...fields.filter((f) => f.personal?.category === 'contact')].slice(0, 8).map(describe) } };
  return {};
}

/** Storage models holding data the profile protects with encryption: health, identifiers, special-category (and payment) data. */
export function encryptionScope(facts: PersonalDataFacts): DataField[] {
  const stored = new Set(facts.models.filter((m) => m.storage).map((m) => `${m.file}\0${m.name}`));
  return facts.fields.filter((f) => f.personal && ['health', 'identifier', 'special', 'financial'].includes(f.personal.category) && stored.has(`${f.at.file}\0${f.model}`));
}
