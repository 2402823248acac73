/** The compliance controls proven PASS, PARTIAL, FAIL, UNKNOWN and N/A, with the profile asked for or suggested. */
import { describe, expect, it } from 'vitest';
import { complianceAssessment, REGULATION } from '../../src/assess/compliance.ts';
import { assessTree } from '../support/assess-tree.ts';

const CLINIC = {
  'requirements.txt': 'fastapi==0.115.6\nsqlalchemy==2.0.35\n',
  'app/__init__.py': '',
  'app/models.py':
    'from sqlalchemy import Column, Integer, String, Text\nfrom sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Visit(Base):\n    __tablename__ = "visits"\n    id = Column(Integer, primary_key=True)\n    diagnosis = Column(Text)\n    patient_name = Column(String(200))\n',
  'app/main.py':
    'import logging\n\nfrom fastapi import Depends, FastAPI\n\nfrom app.auth import require_clinician\nfrom app.models import Visit\n\nlogger = logging.getLogger(__name__)\napp = FastAPI()\n\n\n@app.get("/visits/{visit_id}")\nasync def read_visit(visit_id: int):\n    return Visit(id=visit_id)\n\n\n@app.post("/visits", dependencies=[Depends(require_clinician)])\nasync def add_visit(patient_name: str):\n    logger.info("new visit for %s", patient_name)\n    return Visit(patient_name=patient_name)\n',
  'app/auth.py': 'async def require_clinician():\n    return {"id": 1}\n',
  'docker-compose.yml': 'services:\n  db:\n    image: postgres:16\n',
};

const WELL_RUN = {
  'requirements.txt': 'fastapi==0.115.6\nsqlalchemy==2.0.35\nsqlalchemy-utils==0.41.2\n',
  'app/__init__.py': '',
  'app/models.py':
    'from sqlalchemy import Column, DateTime, Integer, String, Text\nfrom sqlalchemy.orm import DeclarativeBase\nfrom sqlalchemy_utils import StringEncryptedType\n\nfrom app.config import KEY\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Visit(Base):\n    __tablename__ = "visits"\n    id = Column(Integer, primary_key=True)\n    diagnosis = Column(StringEncryptedType(Text, KEY))\n\n\nclass AuditEvent(Base):\n    __tablename__ = "audit_events"\n    id = Column(Integer, primary_key=True)\n    action = Column(String(40))\n    at = Column(DateTime)\n',
  'app/config.py': 'import os\n\nKEY = os.environ["FIELD_KEY"]\nRETENTION_DAYS = 2190\n',
  'app/main.py':
    'from fastapi import Depends, FastAPI\n\nfrom app.audit import audit_log\nfrom app.auth import require_clinician\nfrom app.models import Visit\n\napp = FastAPI(dependencies=[Depends(require_clinician)])\n\n\n@app.get("/visits/{visit_id}")\nasync def read_visit(visit_id: int):\n    audit_log("visit.read", visit_id)\n    return Visit(id=visit_id)\n',
  'app/audit.py': 'def audit_log(action, subject):\n    return (action, subject)\n',
  'app/auth.py': 'async def require_clinician():\n    return {"id": 1}\n',
  'app/jobs.py': 'from app.config import RETENTION_DAYS\n\n\ndef purge_expired_visits(session):\n    return RETENTION_DAYS\n',
};

describe('compliance assessment', () => {
  it('HIPAA asked for: FAIL rows with the findings behind them and the regulation of each control', async () => {
    const run = await assessTree({ ...CLINIC, 'shipgate.config.json': '' }, complianceAssessment, { inputs: { profile: 'hipaa' }, assess: { profile: 'hipaa' } });
    const section = run.result.sections.compliance!;
    expect(section).toMatchObject({ profile: 'hipaa', selectedBy: 'option', reasons: ['Visit.diagnosis (app/models.py:12): a diagnosis'] });
    const byName = Object.fromEntries(section.controls.map((c) => [c.name, c]));
    expect(byName['Encryption at Rest']).toMatchObject({ status: 'FAIL', regulation: REGULATION.hipaa['Encryption at Rest'] });
    expect(byName['Encryption at Rest'].findings).toHaveLength(1);
    expect(byName['Audit Logging']).toMatchObject({ status: 'FAIL', regulation: 'HIPAA §164.312(b) audit controls' });
    expect(byName['Audit Logging'].findings).toHaveLength(2);
    expect(byName['Access Control']).toMatchObject({ status: 'PARTIAL', notes: '1 of 2 routes touching personal data have no authentication: `GET /visits/{visit_id}`' });
    expect(byName['PII in Logs']).toMatchObject({ status: 'PARTIAL' });
    expect(byName['Data Retention']).toMatchObject({ status: 'FAIL', notes: 'no retention period or purge job' });
    expect(run.findings.filter((f) => f.category === 'compliance').map((f) => f.ruleId).sort()).toEqual(['audit-log-missing', 'audit-log-missing', 'data-retention-policy-missing', 'personal-data-logged', 'sensitive-data-unencrypted']);
    expect(run.result.diagnostics).toEqual([]);
  });

  it('PASS rows for encrypted fields, audit records, guarded routes and a retention purge', async () => {
    const run = await assessTree(WELL_RUN, complianceAssessment, { inputs: { profile: 'hipaa' }, assess: { profile: 'hipaa' } });
    const byName = Object.fromEntries(run.result.sections.compliance!.controls.map((c) => [c.name, c]));
    expect(byName['Encryption at Rest']).toMatchObject({ status: 'PASS', notes: 'field-level encryption on `Visit.diagnosis`' });
    expect(byName['Audit Logging'].status).toBe('PASS');
    expect(byName['Access Control']).toMatchObject({ status: 'PASS', notes: 'all 1 route touching personal data require authentication' });
    expect(byName['PII in Logs']).toMatchObject({ status: 'PASS' });
    expect(byName['Data Retention'].status).toBe('PASS');
    expect(run.findings.filter((f) => f.category === 'compliance')).toEqual([]);
  });

  it('suggests HIPAA without findings when health data is stored, and says so', async () => {
    const run = await assessTree(CLINIC, complianceAssessment);
    const section = run.result.sections.compliance!;
    expect(section).toMatchObject({ profile: 'hipaa', selectedBy: 'suggested' });
    expect(run.findings.filter((f) => f.category === 'compliance')).toEqual([]);
    const byName = Object.fromEntries(section.controls.map((c) => [c.name, c]));
    expect(byName['Encryption at Rest'].notes).toMatch(/\(profile suggested: run with --profile hipaa for findings\)$/);
    expect(byName['PII in Logs']).toMatchObject({ status: 'UNKNOWN', howToKnow: 'run with --profile hipaa' });
    expect(run.result.diagnostics).toEqual([{ kind: 'config', message: 'HIPAA profile suggested: the code handles health data (Visit.diagnosis); run with --profile hipaa to check it' }]);
  });

  it('UNKNOWN encryption when plain columns sit in a database the repository does not show, PASS with Terraform storage encryption', async () => {
    const { 'docker-compose.yml': _compose, ...noStore } = CLINIC;
    const unknown = await assessTree(noStore, complianceAssessment, { inputs: { profile: 'hipaa' }, assess: { profile: 'hipaa' } });
    const enc = unknown.result.sections.compliance!.controls.find((c) => c.name === 'Encryption at Rest')!;
    expect(enc).toMatchObject({ status: 'UNKNOWN' });
    expect(enc.howToKnow).toMatch(/storage_encrypted/);
    const tf = await assessTree({ ...noStore, 'infra/db.tf': 'resource "aws_db_instance" "db" {\n  storage_encrypted = true\n}\n' }, complianceAssessment, { inputs: { profile: 'hipaa' }, assess: { profile: 'hipaa' } });
    expect(tf.result.sections.compliance!.controls.find((c) => c.name === 'Encryption at Rest')).toMatchObject({ status: 'PASS' });
  });

  it('GDPR: suggested for identifying data, PARTIAL retention with erasure but no purge, N/A encryption without sensitive categories', async () => {
    const shop = {
      'requirements.txt': 'sqlalchemy==2.0.35\n',
      'models.py':
        'from sqlalchemy import Column, Integer, String\nfrom sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Customer(Base):\n    __tablename__ = "customers"\n    id = Column(Integer, primary_key=True)\n    email = Column(String(254))\n    phone_number = Column(String(30))\n    home_address = Column(String(300))\n    date_of_birth = Column(String(10))\n',
      'privacy.py': 'def erase_customer(session, customer_id):\n    return customer_id\n',
    };
    const run = await assessTree(shop, complianceAssessment);
    const section = run.result.sections.compliance!;
    expect(section).toMatchObject({ profile: 'gdpr', selectedBy: 'suggested' });
    expect(section.reasons).toHaveLength(4);
    const byName = Object.fromEntries(section.controls.map((c) => [c.name, c]));
    expect(byName['Encryption at Rest'].status).toBe('N/A');
    expect(byName['Data Retention']).toMatchObject({ status: 'PARTIAL' });
    expect(byName['Data Retention'].notes).toMatch(/^no retention period or purge job; erasure in privacy\.py:1/);
    expect(byName['Access Control'].status).toBe('N/A');
    expect(byName['Audit Logging'].status).toBe('N/A');
  });

  it('no compliance section when no profile is asked for and nothing calls for one', async () => {
    const run = await assessTree({ 'requirements.txt': 'flask==3.0.3\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' }, complianceAssessment);
    expect(run.result.sections.compliance).toBeUndefined();
    expect(run.result.scorecards.compliance).toBeUndefined();
  });
});
