/**
 * Compliance profiles (HIPAA, GDPR): one row per control — Encryption at Rest, Audit Logging,
 * Access Control, PII in Logs, Data Retention — mapped to the regulation's section, from the
 * personal-data facts, the route model and the compliance rules' findings. The profile is the one
 * asked for (--profile, config `profile`), or suggested when the models or routes handle health
 * or personal data; a suggested profile's rows are judged from facts alone (its rules run only
 * when the profile is asked for), and `report.compliance.reasons` names what triggered it.
 */
import { encryptionScope, personalDataFacts, type PersonalDataFacts } from '../facts/personal-data.ts';
import { isPublicByDesign } from '../facts/routes/guard-names.ts';
import type { ComplianceAssessment, ScorecardEntry, ScorecardStatus } from '../model/audit-report.ts';
import type { ComplianceProfile } from '../model/repo-index.ts';
import type { Assessment, AssessmentInput } from './index.ts';
import { listSome, locationOf, openFindings, plural, scorecardRow, type RowDetail } from './rows.ts';

type Control = 'Encryption at Rest' | 'Audit Logging' | 'Access Control' | 'PII in Logs' | 'Data Retention';

/** Each control's section of the regulation. */
export const REGULATION: Record<ComplianceProfile, Record<Control, string>> = {
  hipaa: {
    'Encryption at Rest': 'HIPAA §164.312(a)(2)(iv) encryption and decryption',
    'Audit Logging': 'HIPAA §164.312(b) audit controls',
    'Access Control': 'HIPAA §164.312(a)(1) access control',
    'PII in Logs': 'HIPAA §164.502(b) minimum necessary',
    'Data Retention': 'HIPAA §164.530(j) retention; §164.310(d)(2)(i) disposal',
  },
  gdpr: {
    'Encryption at Rest': 'GDPR Art. 32(1)(a) security of processing',
    'Audit Logging': 'GDPR Art. 30 records of processing; Art. 5(2) accountability',
    'Access Control': 'GDPR Art. 32(1)(b) confidentiality; Art. 25 data protection by design',
    'PII in Logs': 'GDPR Art. 5(1)(c) data minimisation',
    'Data Retention': 'GDPR Art. 17 erasure; Art. 5(1)(e) storage limitation',
  },
};

const NAME: Record<ComplianceProfile, string> = { hipaa: 'HIPAA', gdpr: 'GDPR' };

export const complianceAssessment: Assessment = {
  name: 'compliance',
  run(input, result) {
    const facts = personalDataFacts(input.index, input.files);
    const asked = input.options.profile ?? input.index.profile;
    const profile = asked ?? facts.suggestion?.profile;
    if (!profile) return;
    const selectedBy = asked ? 'option' : 'suggested';
    const ctx: Ctx = { input, facts, profile, suggested: !asked };
    const controls = (['Encryption at Rest', 'Audit Logging', 'Access Control', 'PII in Logs', 'Data Retention'] as Control[]).map((control) => {
      const row = ROWS[control](ctx);
      const notes = ctx.suggested && (row.status === 'FAIL' || row.status === 'PARTIAL') ? `${row.notes} (profile suggested: run with --profile ${profile} for findings)` : row.notes;
      return { ...row, notes, regulation: REGULATION[profile][control] };
    });
    (result.scorecards.compliance ??= []).push(...controls.map(({ regulation: _regulation, ...row }) => row));
    const reasons = asked ? (facts.suggestion?.profile === profile ? facts.suggestion.reasons : []) : (facts.suggestion?.reasons ?? []);
    const section: ComplianceAssessment = { profile, selectedBy, reasons, controls };
    result.sections.compliance = section;
    if (!asked)
      result.diagnostics.push({
        kind: 'config',
        message: `${NAME[profile]} profile suggested: the code handles ${profile === 'hipaa' ? 'health' : 'personal'} data (${listSome(reasons.map((r) => r.split(' (')[0]), 3)}); run with --profile ${profile} to check it`,
      });
  },
};

interface Ctx {
  input: AssessmentInput;
  facts: PersonalDataFacts;
  profile: ComplianceProfile;
  suggested: boolean;
}

function row(name: Control, status: ScorecardStatus, notes: string, detail: RowDetail): ScorecardEntry {
  return scorecardRow(name, status, notes, detail);
}

const ROWS: Record<Control, (ctx: Ctx) => ScorecardEntry> = {
  'Encryption at Rest'(ctx) {
    const rules = ['sensitive-data-unencrypted'];
    const scope = encryptionScope(ctx.facts).filter((f) => ctx.profile === 'gdpr' || f.personal!.category !== 'special');
    if (!scope.length) return row('Encryption at Rest', 'N/A', `no stored ${ctx.profile === 'hipaa' ? 'health' : 'special-category, identifying or payment'} data found in the data models`, { rules });
    const plain = scope.filter((f) => !f.encrypted);
    const findings = openFindings(ctx.input, rules);
    const describe = (fs: typeof scope) => listSome(fs.map((f) => `\`${f.model}.${f.name}\``));
    if (!plain.length) return row('Encryption at Rest', 'PASS', `field-level encryption on ${describe(scope)}`, { rules, evidence: scope.map((f) => f.encrypted!) });
    if (ctx.facts.storageEncryption.length)
      return row('Encryption at Rest', 'PASS', `storage-level encryption configured (${ctx.facts.storageEncryption[0].file}:${ctx.facts.storageEncryption[0].startLine}); plain columns: ${describe(plain)}`, { rules, evidence: ctx.facts.storageEncryption });
    if (ctx.facts.selfHostedStores.length)
      return row('Encryption at Rest', 'FAIL', `${describe(plain)} stored in plain columns of a database on an unencrypted volume (${ctx.facts.selfHostedStores[0].file})`, { rules, findings, evidence: [...plain.map((f) => f.at), ...ctx.facts.selfHostedStores] });
    return row('Encryption at Rest', plain.length < scope.length ? 'PARTIAL' : 'UNKNOWN', `no field-level encryption on ${describe(plain)}; whether the database storage is encrypted is not in the repository`, {
      rules,
      findings,
      evidence: plain.map((f) => f.at),
      howToKnow: 'check the managed database\'s encryption-at-rest setting (RDS storage_encrypted, Cloud SQL, Azure) or encrypt the fields (EncryptedType, django-cryptography, prisma-field-encryption)',
    });
  },
  'Audit Logging'(ctx) {
    const rules = ['audit-log-missing'];
    const routes = ctx.facts.routes.filter((r) => !isPublicByDesign(r.route.path, r.route.handler.name) && (ctx.profile === 'gdpr' || r.categories.includes('health')));
    const { writers, models } = ctx.facts.auditLog;
    const evidence = [...writers.slice(0, 5)];
    if (!routes.length) return row('Audit Logging', writers.length || models.length ? 'PASS' : 'N/A', writers.length || models.length ? `audit records written (${listSome(models.map((m) => `\`${m}\``)) || `${writers[0].file}:${writers[0].startLine}`})` : `no route handles ${ctx.profile === 'hipaa' ? 'health' : 'personal'} data`, { rules, evidence });
    const findings = openFindings(ctx.input, rules);
    if (!writers.length && !models.length)
      return row('Audit Logging', 'FAIL', `no audit log: ${plural(routes.length, 'route')} handle ${ctx.profile === 'hipaa' ? 'health' : 'personal'} data (${listSome(routes.map((r) => `\`${r.route.method} ${r.route.path}\``))}) and nothing records who accessed it`, { rules, findings, evidence: routes.map((r) => r.route.at) });
    if (findings.length) return row('Audit Logging', 'PARTIAL', `audit records written in places, but ${plural(findings.length, 'route')} touching personal data write none`, { rules, findings, evidence });
    return row('Audit Logging', 'PASS', `audit records written (${plural(writers.length, 'call')}${models.length ? `, model ${listSome(models.map((m) => `\`${m}\``))}` : ''})`, { rules, evidence });
  },
  'Access Control'(ctx) {
    const rules = ['route-missing-auth'];
    const routes = ctx.facts.routes.filter((r) => !isPublicByDesign(r.route.path, r.route.handler.name) && !/webhook/i.test(r.route.path));
    if (!routes.length) return row('Access Control', 'N/A', 'no route handles personal data', { rules });
    const open = routes.filter((r) => !r.route.guards.length);
    const findings = openFindings(ctx.input, rules, (f) => open.some((r) => f.location.file === r.route.at.file && f.location.startLine === r.route.at.startLine));
    if (!open.length) return row('Access Control', 'PASS', `all ${plural(routes.length, 'route')} touching personal data require authentication`, { rules, evidence: routes.slice(0, 5).map((r) => r.route.guards[0].at) });
    const list = listSome(open.map((r) => `\`${r.route.method} ${r.route.path}\``));
    return row('Access Control', open.length === routes.length ? 'FAIL' : 'PARTIAL', `${open.length} of ${plural(routes.length, 'route')} touching personal data have no authentication: ${list}`, { rules, findings, evidence: open.map((r) => r.route.at) });
  },
  'PII in Logs'(ctx) {
    const rules = ['personal-data-logged', 'sensitive-data-logged'];
    const findings = [...openFindings(ctx.input, ['personal-data-logged']), ...openFindings(ctx.input, ['sensitive-data-logged'], (f) => f.messageId === 'phiLogged' || f.messageId === 'wholeRequestBody')];
    if (findings.length) {
      const severe = findings.some((f) => f.severity === 'high' || f.severity === 'critical');
      return row('PII in Logs', severe ? 'FAIL' : 'PARTIAL', `${plural(findings.length, 'log call')} ${findings.length === 1 ? 'writes' : 'write'} personal data: ${listSome(findings.map((f) => `${f.location.file}:${f.location.startLine}`))}`, { rules, findings, evidence: findings.map((f) => f.location) });
    }
    if (ctx.suggested || !ctx.input.metas.has('personal-data-logged')) return row('PII in Logs', 'UNKNOWN', 'not checked: the personal-data log check runs when the profile is asked for', { rules, howToKnow: `run with --profile ${ctx.profile}` });
    return row('PII in Logs', 'PASS', 'no log call writes personal or health data', { rules });
  },
  'Data Retention'(ctx) {
    const rules = ['data-retention-policy-missing'];
    const stored = ctx.facts.fields.filter((f) => ctx.facts.models.some((m) => m.storage && m.name === f.model) && (ctx.profile === 'gdpr' || f.personal!.category === 'health'));
    if (!stored.length) return row('Data Retention', 'N/A', `no stored ${ctx.profile === 'hipaa' ? 'health' : 'personal'} data found in the data models`, { rules });
    const erasure = ctx.facts.erasureRoutes;
    const erasureFunctions = ctx.facts.erasureFunctions;
    const retention = ctx.facts.retention;
    const findings = openFindings(ctx.input, rules);
    const erasureNeeded = ctx.profile === 'gdpr';
    const parts = [
      retention.length ? `retention/purge in ${listSome([...new Set(retention.map((l) => `${l.file}:${l.startLine}`))], 2)}` : 'no retention period or purge job',
      erasureNeeded ? (erasure.length ? `erasure route ${listSome(erasure.map((r) => `\`${r.method} ${r.path}\``), 2)}` : erasureFunctions.length ? `erasure in ${erasureFunctions[0].file}:${erasureFunctions[0].startLine}` : 'no erasure route or function') : '',
    ].filter(Boolean);
    const evidence = [...retention.slice(0, 3), ...erasure.slice(0, 3).map((r) => r.at), ...erasureFunctions.slice(0, 3)];
    const ok = [retention.length > 0, !erasureNeeded || erasure.length > 0 || erasureFunctions.length > 0];
    const status: ScorecardStatus = ok.every(Boolean) ? 'PASS' : erasureNeeded && ok.some(Boolean) ? 'PARTIAL' : 'FAIL';
    return row('Data Retention', status, parts.join('; '), { rules, findings, evidence: evidence.length ? evidence : [locationOf(stored[0].at.file, stored[0].at.startLine)] });
  },
};
