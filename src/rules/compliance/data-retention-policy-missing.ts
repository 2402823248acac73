import { personalDataFacts } from '../../facts/personal-data.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'data-retention-policy-missing',
    category: 'compliance',
    title: 'No erasure or retention for personal data',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['compliance'],
    scorecard: 'Data Retention',
    effortHours: 6,
    messages: {
      noErasure: '{{models}} {{hold}} personal data ({{fields}}), but no route or job deletes a person\'s data on request (GDPR Art. 17).',
      noRetention: '{{models}} {{hold}} {{kind}} ({{fields}}), but nothing in the code purges it after a retention period ({{regulation}}).',
    },
    why: [
      'Data kept forever is data that can leak forever. GDPR requires that personal data be kept no longer than needed (Art. 5(1)(e)) and erased on request without undue delay (Art. 17); HIPAA requires documented retention of records and policies (§164.530(j)) and disposal procedures for ePHI (§164.310(d)(2)(i)). Without an erasure path and a retention job, each request is a manual database operation and every backup grows the exposure.',
    ].join('\n'),
    fix: [
      'Add an erasure path for a person\'s data (delete or anonymise, including files and search indexes), and a scheduled purge driven by a configured retention period:',
      '',
      '```python',
      '@router.delete("/me")',
      'async def delete_my_account(user: CurrentUser, db: DbSession):',
      '    await erase_user_data(db, user.id)  # sessions, uploads, profile; audit record kept',
      '    return Response(status_code=204)',
      '',
      '# scheduled daily',
      'async def purge_expired_sessions(db):',
      '    cutoff = datetime.now(UTC) - timedelta(days=settings.session_retention_days)',
      '    await db.execute(delete(Session).where(Session.created_at < cutoff))',
      '```',
      'Document the retention periods (and the legal basis for keeping anything longer) in the privacy policy or a docs/retention.md.',
    ].join('\n'),
    examples: {
      bad: {
        'shipgate.config.json': '{ "profile": "gdpr" }\n',
        'requirements.txt': 'sqlalchemy==2.0.35\n',
        'models.py':
          'from sqlalchemy import Column, Integer, String\nfrom sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Member(Base):\n    __tablename__ = "members"\n    id = Column(Integer, primary_key=True)\n    passport_number = Column(String(20))\n',
      },
      good: {
        'shipgate.config.json': '{ "profile": "gdpr" }\n',
        'requirements.txt': 'sqlalchemy==2.0.35\n',
        'models.py':
          'from sqlalchemy import Column, Integer, String\nfrom sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Member(Base):\n    __tablename__ = "members"\n    id = Column(Integer, primary_key=True)\n    passport_number = Column(String(20))\n',
        'jobs.py': 'from sqlalchemy import delete\n\nfrom models import Member\n\nRETENTION_DAYS = 365\n\n\ndef erase_member(session, member_id):\n    session.execute(delete(Member).where(Member.id == member_id))\n\n\ndef purge_expired_members(session, cutoff):\n    session.execute(delete(Member).where(Member.id < cutoff))\n',
      },
    },
    references: { urls: ['https://gdpr-info.eu/art-17-gdpr/', 'https://gdpr-info.eu/art-5-gdpr/', 'https://www.law.cornell.edu/cfr/text/45/164.530'] },
  },
  check({ index, files, report }) {
    const facts = personalDataFacts(index, files);
    const gdpr = index.profile === 'gdpr';
    const inScope = facts.fields.filter((f) => facts.models.some((m) => m.storage && m.name === f.model && m.file === f.at.file) && (gdpr || f.personal!.category === 'health'));
    if (!inScope.length) return;
    const anchorField = inScope[0];
    const anchor = facts.models.find((m) => m.name === anchorField.model && m.file === anchorField.at.file)!;
    const models = [...new Set(inScope.map((f) => f.model))];
    const data = {
      models: models.length > 3 ? `${models.slice(0, 3).map((m) => `\`${m}\``).join(', ')} and ${models.length - 3} more` : models.map((m) => `\`${m}\``).join(', '),
      fields: inScope.slice(0, 3).map((f) => `\`${f.model}.${f.name}\``).join(', ') + (inScope.length > 3 ? `, …` : ''),
      hold: models.length === 1 ? 'holds' : 'hold',
      kind: gdpr ? 'personal data' : 'health data',
      regulation: gdpr ? 'GDPR Art. 5(1)(e)' : 'HIPAA §164.530(j), §164.310(d)(2)(i)',
    };
    const erasure = facts.erasureRoutes.length > 0 || facts.erasureFunctions.length > 0;
    if (gdpr && !erasure) report({ messageId: 'noErasure', at: anchor.at, data });
    if (!facts.retention.length) report({ messageId: 'noRetention', at: anchor.at, data });
  },
});
