import { personalDataFacts } from '../../facts/personal-data.ts';
import { isPublicByDesign, isStateChangingMethod } from '../../facts/routes/guard-names.ts';
import { defineRule } from '../../model/rule.ts';

const AUDIT_CALL = /\b(audit_?log|log_?audit|record_?audit|audit_?event|audit_?trail|write_?audit|AuditLog|AuditEvent|AuditTrail|auditLogger|audit_logger|createAuditLog|createAuditEvent)\w*\s*[.(]/i;

export default defineRule({
  meta: {
    id: 'audit-log-missing',
    category: 'compliance',
    title: 'Access to personal data without an audit record',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['compliance', 'web'],
    scorecard: 'Audit Logging',
    effortHours: 2,
    messages: {
      noAuditAnywhere: '`{{method}} {{path}}` ({{handler}}) {{action}} {{what}}, and the application keeps no audit log of who did so.',
      notAudited: '`{{method}} {{path}}` ({{handler}}) {{action}} {{what}} without writing an audit record, unlike {{audited}}.',
    },
    why: [
      'When a record is changed, exported or read by the wrong person, the first question is who did it and when. Application logs rotate, are not tamper-evident and rarely say which record a user touched. HIPAA requires audit controls that record activity in systems holding ePHI (§164.312(b)); GDPR asks the controller to demonstrate compliance and keep records of processing (Art. 5(2), Art. 30). Without an audit trail a breach can be neither scoped nor reported accurately.',
    ].join('\n'),
    fix: [
      'Write an append-only audit record for every access to personal or health data — actor, action, record, time, source address — in the same transaction as the change, or in a middleware for reads:',
      '',
      '```python',
      'class AuditEvent(Base):',
      '    __tablename__ = "audit_events"',
      '    id = Column(BigInteger, primary_key=True)',
      '    actor_id = Column(UUID, nullable=False, index=True)',
      '    action = Column(String(40), nullable=False)  # read / create / update / delete / export',
      '    subject = Column(String(80), nullable=False)  # "session:3f1c…"',
      '    at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)',
      '',
      '@router.get("/sessions/{session_id}")',
      'async def read_session(session_id: UUID, user: CurrentUser, db: DbSession):',
      '    session = await load_session(db, user, session_id)',
      '    db.add(AuditEvent(actor_id=user.id, action="read", subject=f"session:{session_id}"))',
      '    return session',
      '```',
      'Keep audit records out of reach of the application\'s normal delete paths, and retain them as long as the regulation asks (six years under HIPAA).',
    ].join('\n'),
    examples: {
      bad: {
        'shipgate.config.json': '{ "profile": "hipaa" }\n',
        'requirements.txt': 'fastapi==0.115.6\n',
        'main.py':
          'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/patients/{patient_id}/diagnoses")\nasync def list_diagnoses(patient_id: int):\n    return []\n',
      },
      good: {
        'shipgate.config.json': '{ "profile": "hipaa" }\n',
        'requirements.txt': 'fastapi==0.115.6\n',
        'main.py':
          'from fastapi import FastAPI\n\nfrom audit import audit_log\n\napp = FastAPI()\n\n\n@app.get("/patients/{patient_id}/diagnoses")\nasync def list_diagnoses(patient_id: int):\n    audit_log("read", f"patient:{patient_id}:diagnoses")\n    return []\n',
      },
    },
    references: { cwe: [778], owasp: ['A09:2021'], urls: ['https://www.hhs.gov/hipaa/for-professionals/security/guidance/index.html', 'https://gdpr-info.eu/art-30-gdpr/'] },
  },
  check({ index, files, report }) {
    const facts = personalDataFacts(index, files);
    const hipaa = index.profile === 'hipaa' || !index.profile;
    const anyAudit = facts.auditLog.writers.length > 0 || facts.auditLog.models.length > 0;
    for (const { route, what, categories } of facts.routes) {
      if (isPublicByDesign(route.path, route.handler.name) || /webhook/i.test(route.path)) continue;
      const changes = isStateChangingMethod(route.method);
      // HIPAA: every access to health data; GDPR: changes, and reads of sensitive categories.
      const relevant = hipaa ? categories.includes('health') : changes || categories.some((c) => c !== 'contact');
      if (!relevant) continue;
      const body = route.handler.node?.text() ?? '';
      if (AUDIT_CALL.test(body) || facts.auditLog.models.some((m) => new RegExp(`\\b${m}\\b`).test(body))) continue;
      const data = {
        method: route.method,
        path: route.path,
        handler: route.handler.name,
        action: changes ? 'changes' : 'reads',
        what: what.slice(0, 3).join(', '),
        audited: facts.auditLog.writers[0] ? `${facts.auditLog.writers[0].file}:${facts.auditLog.writers[0].startLine}` : `the ${facts.auditLog.models[0]} model`,
      };
      report({ messageId: anyAudit ? 'notAudited' : 'noAuditAnywhere', at: route.at, data });
    }
  },
});
