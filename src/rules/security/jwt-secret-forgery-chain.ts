import { compoundSeverity, findingsOf, linkOf, numberLinks } from '../../facts/compound-findings.ts';
import { isAdminPath } from '../../facts/routes/guard-names.ts';
import type { Finding, Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';
import { enclosingJsFunction } from '../../parse/js-syntax.ts';
import { describePyCall, enclosingPyFunction, findPyCalls, pyFunctionName, pyImports } from '../../parse/python-syntax.ts';

/** A place that verifies tokens with a key: the call, its key argument, the function it sits in. */
interface Verifier {
  file: ParsedFile;
  call: SyntaxNode;
  key: SyntaxNode;
  fn?: SyntaxNode;
  fnName?: string;
}

/** Secret names a JWT key goes by. */
const KEY_NAME = /secret|jwt|sign|token|key/i;

export default defineRule({
  meta: {
    id: 'jwt-secret-forgery-chain',
    category: 'security',
    title: 'JWT signing key in the code authenticates protected routes',
    severity: 'critical',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Authentication',
    effortHours: 2,
    requires: ['hardcoded-secret'],
    messages: {
      forgeableTokens:
        'The JWT key `{{name}}` {{how}} and `{{verifier}}` ({{verifierAt}}) accepts tokens signed with it for {{routes}}{{admin}}: anyone who reads the repository can mint a valid token for any user.',
    },
    why: [
      'A JWT is only as secret as the key that signs it. With the key (or its default) in the repository, anyone who can read the code — every clone, fork, CI log and former contractor — can sign `{"sub": "<any user id>", "role": "admin"}` with it, and the API accepts the token as genuine: no password, no login, no trace in the auth logs. A default that "production overrides" stays in force wherever the variable is missing.',
      '',
      'Reported as one finding made of the hard-coded secret (scored once, through this finding) when the same key verifies the tokens of guarded routes.',
    ].join('\n'),
    fix: [
      'Load the key from the environment or a secret manager with no default (fail at start-up when it is missing), rotate it now (every token signed with the old key must stop working), and prefer an asymmetric key pair (RS256/EdDSA) so that services which only verify never hold the signing key.',
      '',
      '```python',
      'class Settings(BaseSettings):',
      '    jwt_secret: SecretStr  # required: the app refuses to start without it',
      '',
      'payload = jwt.decode(token, settings.jwt_secret.get_secret_value(), algorithms=["HS256"], audience="api")',
      '```',
      '```ts',
      "const JWT_SECRET = process.env.JWT_SECRET ?? (() => { throw new Error('JWT_SECRET is not set'); })();",
      "jwt.verify(token, JWT_SECRET, { algorithms: ['HS256'] });",
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\npyjwt==2.9.0\n',
        'main.py': [
          'import jwt',
          'from fastapi import Depends, FastAPI, Header',
          '',
          'SECRET_KEY = "dev-secret-change-me"',
          'app = FastAPI()',
          '',
          '',
          'def get_current_user(authorization: str = Header(...)):',
          '    return jwt.decode(authorization.removeprefix("Bearer "), SECRET_KEY, algorithms=["HS256"])',
          '',
          '',
          '@app.get("/admin/users")',
          'def list_users(user=Depends(get_current_user)):',
          '    return []',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\npyjwt==2.9.0\n',
        'main.py': [
          'import os',
          '',
          'import jwt',
          'from fastapi import Depends, FastAPI, Header',
          '',
          'SECRET_KEY = os.environ["JWT_SECRET"]',
          'app = FastAPI()',
          '',
          '',
          'def get_current_user(authorization: str = Header(...)):',
          '    return jwt.decode(authorization.removeprefix("Bearer "), SECRET_KEY, algorithms=["HS256"])',
          '',
          '',
          '@app.get("/admin/users")',
          'def list_users(user=Depends(get_current_user)):',
          '    return []',
          '',
        ].join('\n'),
      },
    },
    references: { cwe: [798, 321, 347], owasp: ['A07:2021', 'A02:2021', 'API2:2023'] },
  },
  check({ index, files, findings, report }) {
    const secrets = findingsOf(findings, 'hardcoded-secret', ['hardcodedSecret', 'insecureDefault']).filter((f) => KEY_NAME.test(f.data.name ?? ''));
    if (!secrets.length) return;
    const verifiers = [...pythonVerifiers(files), ...jsVerifiers(files)];
    const callers = callerIndex(files);
    for (const secret of secrets) {
      const name = secret.data.name ?? '';
      const used = verifiers.filter((v) => keyUsesSecret(v, secret, name));
      for (const verifier of used) {
        const guardNames = guardNamesFor(verifier, callers);
        const routes = index.routes.filter((r) => r.guards.some((g) => identifiers(g.name).some((id) => guardNames.has(id))));
        if (!routes.length) continue;
        const admin = routes.filter((r) => isAdminPath(r.path, r.handler.name));
        const parts = [secret];
        const routeList = (rs: Route[]) => rs.slice(0, 3).map((r) => `\`${r.method} ${r.path}\``).join(', ') + (rs.length > 3 ? ` and ${rs.length - 3} more` : '');
        const verifierAt: Location = verifier.file.locate(verifier.call, `verifies tokens with this key in \`${verifier.fnName ?? 'module code'}\``);
        report({
          messageId: 'forgeableTokens',
          at: secret.location,
          data: {
            name: name.replace(/`/g, ''),
            how: secret.messageId === 'insecureDefault' ? 'has a guessable value written in the code' : 'is written in the code',
            verifier: verifier.fnName ?? verifier.call.text().split('(')[0],
            verifierAt: `${verifier.file.path}:${verifierAt.startLine}`,
            routes: `${routes.length} route${routes.length === 1 ? '' : 's'} (${routeList(routes)})`,
            admin: admin.length ? `, ${admin.length} of them admin routes (${routeList(admin)})` : '',
          },
          related: numberLinks([
            linkOf(secret, 'the signing key is in the code'),
            verifierAt,
            ...(admin.length ? admin : routes).slice(0, 5).map((r) => ({ ...r.at, note: `\`${r.method} ${r.path}\` trusts tokens signed with it` })),
          ]),
          parts,
          severity: compoundSeverity('critical', parts),
          // One secret verified in several places is one chain.
        });
        break;
      }
    }
  },
});

/** `jwt.decode(token, KEY, …)` (PyJWT, python-jose, authlib), `decode` imported from a jwt module. */
function pythonVerifiers(files: ParsedFiles): Verifier[] {
  const out: Verifier[] = [];
  for (const file of files.ofKind('python', { containing: ['decode'], includeTests: false })) {
    if (!file.ast || !/jwt|jose/.test(file.text)) continue;
    const imports = pyImports(file.ast);
    for (const call of findPyCalls(file.ast, /(^|\.)decode$/)) {
      const head = call.callee.split('.')[0];
      const imported = imports.get(head);
      const isJwt = /(^|\.)jwt\.decode$/.test(call.callee) || (call.callee === 'decode' && /jwt|jose/.test(imported?.module ?? '')) || /jwt|jose/.test(imported?.module ?? '');
      const key = call.keywords.get('key') ?? call.args[1];
      if (!isJwt || !key) continue;
      const fn = enclosingPyFunction(call.node);
      out.push({ file, call: call.node, key, fn, fnName: fn ? pyFunctionName(fn) : undefined });
    }
  }
  return out;
}

/** `jwt.verify(token, SECRET)` (jsonwebtoken), `jwtVerify(token, secret)` (jose). */
function jsVerifiers(files: ParsedFiles): Verifier[] {
  const out: Verifier[] = [];
  for (const file of files.ofKind('js', { containing: ['verify'], includeTests: false })) {
    if (!file.ast || !/jsonwebtoken|jose|jwt/i.test(file.text)) continue;
    for (const call of file.findAll({ kind: 'call_expression', has: { field: 'function', regex: '(^|\\.)(verify|jwtVerify)$' } })) {
      const callee = call.field('function')?.text() ?? '';
      if (!/^(jwt|jsonwebtoken|jose)\.verify$|^jwtVerify$|^verify$/.test(callee)) continue;
      const args = call.field('arguments')?.children().filter((c) => c.isNamed()) ?? [];
      if (!args[1]) continue;
      const fn = enclosingJsFunction(call);
      out.push({ file, call, key: args[1], fn, fnName: fn ? jsFunctionName(fn) : undefined });
    }
  }
  return out;
}

function jsFunctionName(fn: SyntaxNode): string | undefined {
  const own = fn.field('name')?.text();
  if (own) return own;
  const parent = fn.parent();
  return parent?.kind() === 'variable_declarator' ? parent.field('name')?.text() : undefined;
}

/**
 * Whether the verifier's key is the hard-coded secret: the secret's finding sits on the call
 * itself (`jwt.decode(token, "literal")`), or the key expression names it (`settings.secret_key`,
 * `SECRET_KEY`), directly or through a module-level alias in the verifier's file.
 */
function keyUsesSecret(v: Verifier, secret: Finding, name: string): boolean {
  if (secret.location.file === v.file.path && secret.location.startLine !== undefined) {
    const r = v.call.range();
    if (secret.location.startLine >= r.start.line + 1 && secret.location.startLine <= r.end.line + 1) return true;
  }
  const token = name.replace(/`/g, '').split(/[.\s(]/).filter(Boolean).pop()?.replace(/[^\w]/g, '');
  if (!token || token.length < 4) return false;
  const mentions = (text: string) => identifiers(text).some((id) => id.toLowerCase() === token.toLowerCase());
  if (mentions(v.key.text())) return true;
  // KEY = settings.secret_key … jwt.decode(token, KEY)
  if (v.key.kind() === 'identifier' && v.file.kind === 'python' && v.file.ast) {
    for (const stmt of v.file.ast.children()) {
      const assign = stmt.kind() === 'expression_statement' ? stmt.children().find((c) => c.kind() === 'assignment') : undefined;
      if (assign?.field('left')?.text() === v.key.text() && mentions(assign.field('right')?.text() ?? '')) return true;
    }
  }
  return false;
}

const identifiers = (text: string) => text.match(/[A-Za-z_$][\w$]*/g) ?? [];

/** Function name → names of the functions whose bodies call it (Python and JS, by name, project-wide). */
function callerIndex(files: ParsedFiles): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (callee: string, caller: string) => {
    if (callee === caller) return;
    const set = out.get(callee) ?? new Set<string>();
    set.add(caller);
    out.set(callee, set);
  };
  for (const file of files.ofKind('python', { includeTests: false })) {
    for (const fn of file.findAll({ kind: 'function_definition' })) {
      const caller = pyFunctionName(fn);
      for (const call of fn.findAll({ rule: { kind: 'call' } })) {
        const callee = describePyCall(call)?.callee.split('.').pop();
        if (callee) add(callee, caller);
      }
      // `user = Depends(get_current_user)` in a parameter default: a dependency is a call too.
      for (const ref of fn.field('parameters')?.findAll({ rule: { kind: 'identifier' } }) ?? []) add(ref.text(), caller);
    }
  }
  for (const file of files.ofKind('js', { containing: ['verify'], includeTests: false })) {
    for (const call of file.findAll({ kind: 'call_expression' })) {
      const callee = call.field('function')?.text().split('.').pop();
      const fn = enclosingJsFunction(call);
      const caller = fn ? jsFunctionName(fn) : undefined;
      if (callee && caller) add(callee, caller);
    }
  }
  return out;
}

/** The verifier's function and the functions that reach it in up to three calls (a guard is often `get_current_admin → get_current_user → decode_token`). */
function guardNamesFor(v: Verifier, callers: Map<string, Set<string>>): Set<string> {
  const names = new Set<string>();
  if (!v.fnName) return names;
  let frontier = [v.fnName];
  names.add(v.fnName);
  for (let depth = 0; depth < 3 && frontier.length; depth++) {
    const next: string[] = [];
    for (const name of frontier) for (const caller of callers.get(name) ?? []) if (!names.has(caller)) (names.add(caller), next.push(caller));
    frontier = next;
  }
  return names;
}
