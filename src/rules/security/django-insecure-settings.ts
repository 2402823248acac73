import type { SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { pyStringValue } from '../../parse/python-syntax.ts';
import { isShippedDjangoSettings } from '../../facts/django-settings.ts';

/**
 * Insecure values in shipped Django settings modules. Left to other rules: `DEBUG = True`
 * (debug-mode-enabled), a literal `SECRET_KEY` (hardcoded-secret), `CORS_ALLOW_ALL_ORIGINS`
 * (cors-permissive-policy), session/CSRF cookie flags (cookie-insecure-flags) and HSTS /
 * nosniff / frame options (security-headers-missing).
 */

/** Settings modules for a developer's machine or the test suite, never shipped. */
const WEAK_HASHER = /(?:^|\.)(MD5PasswordHasher|UnsaltedMD5PasswordHasher|SHA1PasswordHasher|UnsaltedSHA1PasswordHasher|CryptPasswordHasher)$/;
const ENV_READ = /\b(getenv|environ|env|config)\b/;

export default defineRule({
  meta: {
    id: 'django-insecure-settings',
    category: 'security',
    title: 'Insecure value in Django production settings',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['django'],
    scorecard: 'Configuration',
    effortHours: 0.5,
    fixScope: 'file',
    fixTitle: 'Harden the production Django settings',
    messages: {
      allowedHostsWildcard: '`ALLOWED_HOSTS` in `{{file}}` {{how}}, so Django accepts any `Host` header.',
      sslRedirectDisabled: '`SECURE_SSL_REDIRECT = False` in `{{file}}` leaves plain-HTTP requests unredirected.',
      weakPasswordHasher: '`PASSWORD_HASHERS` in `{{file}}` hashes new passwords with `{{hasher}}`, which is fast enough to brute-force once the hashes leak.',
      passwordValidatorsEmpty: '`AUTH_PASSWORD_VALIDATORS = []` in `{{file}}` lets users choose any password, even `123` or their username.',
      drfAllowAny: '`REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]` in `{{file}}` is `AllowAny`, so every API view without its own `permission_classes` is public.',
    },
    why: [
      '- `ALLOWED_HOSTS = ["*"]` lets an attacker choose the host Django uses in absolute URLs: password-reset links and redirects can point to their domain (host-header poisoning) and caches can be poisoned.',
      '- `SECURE_SSL_REDIRECT = False` keeps the app reachable over plain HTTP when no proxy redirects, so session cookies and credentials can travel unencrypted.',
      '- MD5 / SHA1 / crypt hashers can be brute-forced at billions of guesses per second once the user table leaks.',
      '- Without password validators users pick passwords that fall to the first credential-stuffing list.',
      '- DRF `AllowAny` as the default makes every API view public unless its author remembered to restrict it.',
    ].join('\n'),
    fix: [
      'Keep the production values explicit and read deployment-specific ones from the environment:',
      '```python',
      '# settings/production.py',
      'ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")          # e.g. "api.example.com"',
      'SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)',
      'PASSWORD_HASHERS = [',
      '    "django.contrib.auth.hashers.Argon2PasswordHasher",',
      '    "django.contrib.auth.hashers.PBKDF2PasswordHasher",',
      ']',
      'AUTH_PASSWORD_VALIDATORS = [',
      '    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},',
      '    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},',
      '    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},',
      ']',
      'REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"]}',
      '```',
      'Run `python manage.py check --deploy` in CI against the production settings.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'django==5.0.6\n',
        'mysite/settings.py': 'import os\n\nSECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\nALLOWED_HOSTS = ["*"]\nINSTALLED_APPS = ["django.contrib.auth"]\n',
      },
      good: {
        'requirements.txt': 'django==5.0.6\n',
        'mysite/settings.py':
          'import os\n\nSECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\nALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")\nINSTALLED_APPS = ["django.contrib.auth"]\n',
      },
    },
    references: {
      cwe: [16, 20, 319, 916, 521, 862],
      owasp: ['A05:2021', 'A02:2021', 'A07:2021'],
      urls: ['https://docs.djangoproject.com/en/stable/howto/deployment/checklist/'],
      equivalents: ['semgrep:python.django.security.audit.django-allowed-hosts-wildcard (partial)', 'django:check --deploy security.W008'],
    },
  },
  check({ files, report }) {
    const candidates = files.ofKind('python', {
      containing: ['ALLOWED_HOSTS', 'SECURE_SSL_REDIRECT', 'PASSWORD_HASHERS', 'AUTH_PASSWORD_VALIDATORS', 'DEFAULT_PERMISSION_CLASSES'],
      includeTests: false,
    });
    for (const file of candidates) {
      if (!file.ast || !isShippedDjangoSettings(file)) continue;
      const settings = settledAssignments(file.ast);
      const data = { file: file.path };

      const hosts = settings.get('ALLOWED_HOSTS');
      const hostsValue = hosts?.field('right');
      if (hosts && hostsValue) {
        const strings = hostsValue.kind() === 'list' || hostsValue.kind() === 'tuple' ? listStrings(hostsValue) : [];
        if (strings.includes('*')) report({ messageId: 'allowedHostsWildcard', at: file.locate(hosts), data: { ...data, how: 'lists `"*"`' }, severity: 'medium' });
        else if (ENV_READ.test(hostsValue.text()) && hostsValue.findAll({ rule: { kind: 'string' } }).some((s) => pyStringValue(s) === '*'))
          report({
            messageId: 'allowedHostsWildcard',
            at: file.locate(hosts),
            data: { ...data, how: 'falls back to `"*"` when the environment variable is unset' },
            severity: 'medium',
            confidence: 'medium',
          });
      }

      const redirect = settings.get('SECURE_SSL_REDIRECT');
      if (redirect?.field('right')?.kind() === 'false')
        report({ messageId: 'sslRedirectDisabled', at: file.locate(redirect), data, severity: 'low', confidence: 'low' });

      const hashers = settings.get('PASSWORD_HASHERS');
      const firstHasher = hashers ? listStrings(hashers.field('right'))[0] : undefined;
      const weak = firstHasher ? WEAK_HASHER.exec(firstHasher) : null;
      if (hashers && weak) report({ messageId: 'weakPasswordHasher', at: file.locate(hashers), data: { ...data, hasher: weak[1] }, severity: 'high' });

      const validators = settings.get('AUTH_PASSWORD_VALIDATORS');
      const validatorList = validators?.field('right');
      if (validators && validatorList?.kind() === 'list' && !validatorList.children().some((c) => c.isNamed() && c.kind() !== 'comment'))
        report({ messageId: 'passwordValidatorsEmpty', at: file.locate(validators), data, severity: 'low' });

      const drf = settings.get('REST_FRAMEWORK')?.field('right');
      const permissionPair = drf?.kind() === 'dictionary' ? dictPair(drf, 'DEFAULT_PERMISSION_CLASSES') : undefined;
      const permissions = permissionPair ? listStrings(permissionPair.field('value')) : [];
      if (permissionPair && permissions.length > 0 && permissions.every((p) => /(?:^|\.)AllowAny$/.test(p)))
        report({ messageId: 'drfAllowAny', at: file.locate(permissionPair), data, severity: 'high' });
    }
  },
});

/**
 * Module-level `NAME = value` assignments whose value the file settles: the last top-level
 * assignment, unless the name is also assigned inside an `if`/`try` (environment-dependent).
 */
function settledAssignments(root: SyntaxNode): Map<string, SyntaxNode> {
  const last = new Map<string, SyntaxNode>();
  const conditional = new Set<string>();
  for (const assignment of root.findAll({ rule: { kind: 'assignment' } })) {
    const left = assignment.field('left');
    if (left?.kind() !== 'identifier' || !/^[A-Z][A-Z0-9_]*$/.test(left.text())) continue;
    const statement = assignment.parent();
    if (statement?.kind() === 'expression_statement' && statement.parent()?.kind() === 'module') last.set(left.text(), assignment);
    else if (!insideDefinition(assignment)) conditional.add(left.text());
  }
  for (const name of conditional) last.delete(name);
  return last;
}

function insideDefinition(node: SyntaxNode): boolean {
  for (let current = node.parent(); current; current = current.parent())
    if (current.kind() === 'function_definition' || current.kind() === 'class_definition') return true;
  return false;
}

/** Plain string elements of a list or tuple literal (comments and non-literals skipped). */
function listStrings(node: SyntaxNode | null | undefined): string[] {
  if (!node || (node.kind() !== 'list' && node.kind() !== 'tuple')) return [];
  return node
    .children()
    .map((c) => pyStringValue(c))
    .filter((s): s is string => s !== undefined);
}

function dictPair(dict: SyntaxNode, key: string): SyntaxNode | undefined {
  return dict.children().find((c) => c.kind() === 'pair' && pyStringValue(c.field('key')) === key);
}
