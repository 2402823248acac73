import { dockerStages, finalStageUser, isDevelopmentDockerfile, PRIVILEGE_DROP } from '../../facts/dockerfile-stages.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'dockerfile-runs-as-root',
    category: 'security',
    title: 'Container image runs as root',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['docker'],
    scorecard: 'Configuration',
    effortHours: 1,
    messages: {
      noUser: 'The final stage of `{{file}}` (`FROM {{image}}`) never switches to a non-root `USER`, so the container runs as root.',
      rootUser: '`{{file}}` ends its final stage with `USER {{user}}`, so the container runs as root.',
    },
    why: [
      'A process that runs as root inside the container is root on the container\'s file system and, with the default capabilities, can bind low ports, change file ownership and read every mounted secret. Any remote-code-execution bug in the app or a dependency then starts with root: one kernel or runtime escape away from the host, and with write access to everything in the image.',
      '',
      'Kubernetes clusters that enforce the `restricted` Pod Security Standard (`runAsNonRoot: true`) refuse to start such an image.',
    ].join('\n'),
    fix: [
      'Create an unprivileged user in the final stage and switch to it after installing packages; give it only the folders it writes to.',
      '',
      '```dockerfile',
      'FROM python:3.12-slim',
      'RUN groupadd --system app && useradd --system --gid app --no-create-home app',
      'WORKDIR /app',
      'COPY --chown=app:app . .',
      'USER app',
      'CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app.wsgi:application"]',
      '```',
      'Or start from an image that is non-root by default (`gcr.io/distroless/python3-debian12:nonroot`, `cgr.dev/chainguard/node`). Use a numeric `USER 10001` when the platform checks `runAsNonRoot`.',
    ].join('\n'),
    examples: {
      bad: {
        Dockerfile: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "server.js"]\n',
      },
      good: {
        Dockerfile: 'FROM node:20-slim\nWORKDIR /app\nCOPY --chown=node:node . .\nRUN npm ci --omit=dev\nUSER node\nCMD ["node", "server.js"]\n',
      },
    },
    references: {
      cwe: [250, 269],
      owasp: ['A05:2021'],
      urls: ['https://docs.docker.com/build/building/best-practices/#user', 'https://kubernetes.io/docs/concepts/security/pod-security-standards/'],
      equivalents: ['hadolint:DL3002', 'checkov:CKV_DOCKER_3', 'checkov:CKV_DOCKER_8', 'trivy:DS002'],
    },
  },
  check({ files, report }) {
    for (const file of files.ofKind('dockerfile', { includeTests: false })) {
      if (!file.dockerfile || isDevelopmentDockerfile(file.path)) continue;
      const stages = dockerStages(file);
      const final = stages[stages.length - 1];
      if (!final) continue;
      if (PRIVILEGE_DROP.test(file.text)) continue; // the entrypoint drops to another user itself
      const verdict = finalStageUser(stages, final);
      if (verdict.kind === 'nonRoot') continue;
      if (verdict.kind === 'root')
        report({ messageId: 'rootUser', at: file.locateLines(verdict.at.startLine, verdict.at.endLine), data: { file: file.path, user: verdict.user } });
      else
        report({ messageId: 'noUser', at: file.locateLines(final.from.startLine, final.from.endLine), data: { file: file.path, image: verdict.image } });
    }
  },
});
