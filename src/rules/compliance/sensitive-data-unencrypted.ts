import { encryptionScope, personalDataFacts, type DataField } from '../../facts/personal-data.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'sensitive-data-unencrypted',
    category: 'compliance',
    title: 'Health or identifying data stored without encryption',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['compliance'],
    scorecard: 'Encryption at Rest',
    effortHours: 8,
    messages: {
      plainColumns: '`{{model}}` stores {{fields}} in plain columns{{store}}: no field-level encryption, and no encrypted storage is configured in the repository.',
    },
    why: [
      'A database dump, a backup copied to the wrong bucket, a read replica opened for analytics or a SQL injection exposes every plain column at once. For health data (HIPAA §164.312(a)(2)(iv)) and special-category or identifying data (GDPR Art. 32(1)(a)) encryption at rest is the control regulators ask about first; a breach of encrypted data is often not even notifiable.',
      '',
      'Storage-level encryption (an encrypted managed database volume) may be configured outside the repository; if it is, accept this finding with that reason. Field-level encryption additionally protects the values from anyone with database access.',
    ].join('\n'),
    fix: [
      'Encrypt the sensitive columns in the application, with the key in a secret manager, and make sure the database storage is encrypted:',
      '',
      '```python',
      'from sqlalchemy_utils import StringEncryptedType',
      'from sqlalchemy_utils.types.encrypted.encrypted_type import AesGcmEngine',
      '',
      'class Session(Base):',
      '    health_notes = Column(StringEncryptedType(Text, settings.field_key, AesGcmEngine))',
      '```',
      'Django: `django-cryptography` (`encrypt(models.TextField())`); Prisma: `prisma-field-encryption` (`/// @encrypted`); TypeORM: an encryption `transformer`. For the volume: `storage_encrypted = true` with a KMS key on RDS/Aurora (Terraform), or the provider\'s encryption setting.',
    ].join('\n'),
    examples: {
      bad: {
        'shipgate.config.json': '{ "profile": "hipaa" }\n',
        'requirements.txt': 'sqlalchemy==2.0.35\n',
        'models.py':
          'from sqlalchemy import Column, Integer, String, Text\nfrom sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Visit(Base):\n    __tablename__ = "visits"\n    id = Column(Integer, primary_key=True)\n    diagnosis = Column(Text)\n    patient_name = Column(String(200))\n',
      },
      good: {
        'shipgate.config.json': '{ "profile": "hipaa" }\n',
        'requirements.txt': 'sqlalchemy==2.0.35\nsqlalchemy-utils==0.41.2\n',
        'models.py':
          'from sqlalchemy import Column, Integer, String, Text\nfrom sqlalchemy.orm import DeclarativeBase\nfrom sqlalchemy_utils import StringEncryptedType\n\nfrom settings import FIELD_KEY\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Visit(Base):\n    __tablename__ = "visits"\n    id = Column(Integer, primary_key=True)\n    diagnosis = Column(StringEncryptedType(Text, FIELD_KEY))\n    patient_name = Column(String(200))\n',
      },
    },
    references: {
      cwe: [311, 312],
      owasp: ['A02:2021'],
      urls: ['https://www.hhs.gov/hipaa/for-professionals/security/laws-regulations/index.html', 'https://gdpr-info.eu/art-32-gdpr/', 'https://sqlalchemy-utils.readthedocs.io/en/latest/data_types.html#module-sqlalchemy_utils.types.encrypted.encrypted_type'],
    },
  },
  check({ index, files, report }) {
    const facts = personalDataFacts(index, files);
    if (facts.storageEncryption.length) return;
    const byModel = new Map<string, DataField[]>();
    for (const field of encryptionScope(facts)) {
      if (field.encrypted) continue;
      const key = `${field.at.file}\0${field.model}`;
      byModel.set(key, [...(byModel.get(key) ?? []), field]);
    }
    for (const [key, fields] of byModel) {
      const model = facts.models.find((m) => `${m.file}\0${m.name}` === key)!;
      const severe = fields.some((f) => f.personal!.category === 'health' || f.personal!.category === 'identifier');
      const store = facts.selfHostedStores[0];
      report({
        messageId: 'plainColumns',
        at: model.at,
        data: {
          model: model.name,
          fields: fields.map((f) => `\`${f.name}\` (${f.personal!.what})`).join(', '),
          store: store ? ` of a database run on a plain volume (${store.file}:${store.startLine})` : '',
        },
        related: fields.map((f) => ({ ...f.at, note: f.personal!.what })),
        severity: severe ? 'high' : 'medium',
      });
    }
  },
});
