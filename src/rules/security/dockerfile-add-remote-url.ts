import { instructionFlags, instructionWords } from '../../facts/dockerfile-stages.ts';
import { defineRule } from '../../model/rule.ts';

const URL = /\bhttps?:\/\/[^\s"'|;&)]+/i;
/** `curl … | sh`, `wget -qO- … | sudo bash -s --`, `curl … | python3 -`. */
const PIPE_TO_SHELL = /\b(?:curl|wget)\b[^|;&]*?(https?:\/\/[^\s"'|;&)]+)[^|;&]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\w+=\S*\s+)*)?((?:\/usr)?(?:\/bin\/)?(?:ba|z|da|k)?sh|python[\d.]*|perl|ruby|node)\b/gi;
/** `bash <(curl …)`, `sh -c "$(curl -fsSL …)"`. */
const SUBSTITUTED = /\b((?:ba|z|da)?sh)\b\s+(?:-c\s+["']?\$\(|<\()\s*(?:curl|wget)\b[^)]*?(https?:\/\/[^\s"'|;&)]+)/gi;

export default defineRule({
  meta: {
    id: 'dockerfile-add-remote-url',
    category: 'security',
    title: 'Unverified remote download in a Dockerfile',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['docker'],
    scorecard: 'Configuration',
    effortHours: 0.5,
    messages: {
      remoteAdd: '`ADD {{url}}` in `{{file}}` downloads a file into the image without verifying its checksum.',
      pipeToShell: '`RUN` in `{{file}}` pipes a script downloaded from `{{url}}` straight into `{{shell}}`, unverified.',
    },
    why: [
      'Whatever the URL serves at build time goes into the image: a compromised or hijacked download server, a moved GitHub release or, over plain `http://`, anyone on the network path can swap the file, and every build ships it. A script piped into a shell runs as root during the build before anyone can read it, and a truncated download runs half a script.',
      '',
      'The build is not reproducible either: the same Dockerfile gives a different image when the remote file changes.',
    ].join('\n'),
    fix: [
      'Pin what you download: `ADD --checksum=` (Dockerfile syntax 1.6+), or download, verify the checksum and only then run or unpack it.',
      '',
      '```dockerfile',
      '# syntax=docker/dockerfile:1',
      'ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \\',
      '    https://github.com/tini/tini/releases/download/v0.19.0/tini /tini',
      '',
      'ARG POETRY_INSTALLER_SHA256=…',
      'RUN curl -fsSLo /tmp/install-poetry.py https://install.python-poetry.org \\',
      ' && echo "${POETRY_INSTALLER_SHA256}  /tmp/install-poetry.py" | sha256sum -c - \\',
      ' && python3 /tmp/install-poetry.py && rm /tmp/install-poetry.py',
      '```',
      'Better still, install from the distribution\'s package manager or `pip install poetry==1.8.3`, which verify signatures or hashes.',
    ].join('\n'),
    examples: {
      bad: {
        Dockerfile: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl\nRUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -\nUSER 1000\n',
      },
      good: {
        Dockerfile:
          '# syntax=docker/dockerfile:1\nFROM debian:12-slim\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://github.com/tini/tini/releases/download/v0.19.0/tini /tini\nUSER 1000\n',
      },
    },
    references: {
      cwe: [494, 829, 353],
      owasp: ['A08:2021'],
      urls: ['https://docs.docker.com/reference/dockerfile/#add---checksum', 'https://docs.docker.com/build/building/best-practices/#add-or-copy'],
      equivalents: ['hadolint:DL3020', 'checkov:CKV_DOCKER_4', 'trivy:DS005'],
    },
  },
  check({ files, report }) {
    for (const file of files.ofKind('dockerfile', { containing: ['http'] })) {
      for (const ins of file.dockerfile ?? []) {
        const at = file.locateLines(ins.startLine, ins.endLine);
        if (ins.keyword === 'ADD') {
          const flags = instructionFlags(ins);
          if (flags.has('checksum')) continue;
          const words = instructionWords(ins);
          for (const url of words.slice(0, -1).filter((w) => URL.test(w) && w.match(URL)?.index === 0)) {
            // A git source pinned to a commit is verified by its hash.
            if (/\.git(?:#|$)/.test(url) && /#[0-9a-f]{40}\b/.test(url)) continue;
            report({ messageId: 'remoteAdd', at, data: { url, file: file.path }, ...(url.startsWith('http:') ? { severity: 'high' as const } : {}) });
          }
        } else if (ins.keyword === 'RUN') {
          const text = ins.text.replace(/\\\r?\n/g, ' ');
          const seen = new Set<string>();
          const pipes = [...[...text.matchAll(PIPE_TO_SHELL)].map((m) => [m[1], m[2]]), ...[...text.matchAll(SUBSTITUTED)].map((m) => [m[2], m[1]])];
          for (const [url, shell] of pipes) {
            if (seen.has(url)) continue;
            seen.add(url);
            report({ messageId: 'pipeToShell', at, data: { url, shell: shell.replace(/^.*\//, ''), file: file.path }, ...(url.startsWith('http:') ? { severity: 'high' as const } : {}) });
          }
        }
      }
    }
  },
});
