import { operationsOf } from '../../facts/operations/index.ts';
import { backupView } from '../../facts/operations/readiness.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'backup-procedure-missing',
    category: 'infrastructure',
    title: 'Database without backups or a restore procedure',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Backup/Restore',
    effortHours: 4,
    messages: {
      selfHostedNoBackup: 'The {{engine}} database {{what}} is run by this repository, and nothing in it backs the data up (no dump job, backup sidecar, snapshot policy or documented procedure).',
      backupsDisabled: '{{what}} has automated backups switched off ({{setting}}), so a deleted table or a corrupted volume cannot be recovered.',
      restoreUndocumented: 'Backups are taken ({{backup}}), but no restore procedure is scripted or written down, so nobody knows whether — or how fast — the data can be recovered.',
    },
    why: [
      'A database volume on one host, or a managed instance with backups off, is one bad migration, one `DELETE` without a `WHERE`, one disk failure or one ransomware incident away from losing every customer record. A backup that has never been restored is a hope, not a procedure: dumps silently fail, are written to the same disk, or take hours to restore.',
    ].join('\n'),
    fix: [
      'Take automated, off-host backups and write down (and test) the restore.',
      '',
      '```yaml',
      '# Kubernetes CronJob: nightly logical dump to object storage',
      'apiVersion: batch/v1',
      'kind: CronJob',
      'metadata: { name: db-backup }',
      'spec:',
      '  schedule: "15 2 * * *"',
      '  jobTemplate:',
      '    spec:',
      '      template:',
      '        spec:',
      '          restartPolicy: OnFailure',
      '          containers:',
      '            - name: dump',
      '              image: postgres:16.4',
      '              command: ["sh", "-c", "pg_dump --format=custom \\"$DATABASE_URL\\" | aws s3 cp - s3://acme-backups/db/$(date +%F).dump"]',
      '```',
      'On a managed database, turn on automated backups and point-in-time recovery (`backup_retention_period = 14` on RDS). Document the restore in `docs/runbooks/restore.md` (`pg_restore --clean --dbname "$DATABASE_URL" backup.dump`) and rehearse it.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\nasyncpg==0.29.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        'docker-compose.yml': 'services:\n  api:\n    build: .\n    restart: unless-stopped\n  db:\n    image: postgres:16.4\n    restart: unless-stopped\n    volumes:\n      - pgdata:/var/lib/postgresql/data\nvolumes:\n  pgdata:\n',
        Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nCMD ["uvicorn", "app.main:app"]\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nasyncpg==0.29.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        'docker-compose.yml': 'services:\n  api:\n    build: .\n    restart: unless-stopped\n  db:\n    image: postgres:16.4\n    restart: unless-stopped\n    volumes:\n      - pgdata:/var/lib/postgresql/data\n  backup:\n    image: prodrigestivill/postgres-backup-local:16\n    restart: unless-stopped\nvolumes:\n  pgdata:\n',
        Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nCMD ["uvicorn", "app.main:app"]\n',
        'docs/runbooks/restore.md': '# Restoring the database\n\n1. Stop the API: `docker compose stop api`.\n2. Restore the latest dump: `pg_restore --clean --dbname "$DATABASE_URL" /backups/last/db.dump`.\n3. Start the API again and check `/readyz`.\n',
      },
    },
    references: { cwe: [1188], urls: ['https://www.postgresql.org/docs/current/backup.html', 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html'] },
  },
  check({ index, files, report }) {
    const b = backupView(operationsOf(index, files));
    if (!b.relevant) return;
    for (const d of b.disabled) report({ messageId: 'backupsDisabled', at: d.at, data: { what: d.label, setting: 'backup retention 0' }, severity: 'high' });
    if (b.backups.length || b.managedWithBackups.length) {
      if (!b.restores.length && !b.managedWithBackups.length) report({ messageId: 'restoreUndocumented', at: b.backups[0].at, data: { backup: b.backups[0].label }, severity: 'low' });
      return;
    }
    for (const s of b.selfHosted) report({ messageId: 'selfHostedNoBackup', at: s.at, data: { engine: s.engine, what: s.label } });
  },
});
