import type { SyntaxNode } from '../../model/parsed-file.ts';
import type { Severity } from '../../model/rule.ts';
import { defineRule } from '../../model/rule.ts';
import {
  enclosingPyFunction,
  findPyCalls,
  pyAssignmentsBefore,
  pyImports,
  pyModuleAssignments,
  pyQualifiedName,
  pyStringValue,
  type PyCall,
} from '../../parse/python-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';

const PYJWT_DECODE = /^jwt\.(decode|decode_complete|api_jwt\.decode|api_jwt\.decode_complete)$/;
const JOSE_DECODE = /^jose\.jwt\.decode$/;
const AUTHLIB_DECODE = /^authlib\.jose\.jwt\.decode$/;
const UNVERIFIED_CLAIMS = /^jose\.jwt\.get_unverified_claims$/;
const ENCODE = /^(jwt\.encode|jose\.jwt\.encode|jose\.jws\.sign)$/;

type MessageId = 'signatureDisabled' | 'noneAlgorithm' | 'algorithmsMissing' | 'algorithmFromToken' | 'expiryNotVerified' | 'unverifiedClaims' | 'claimsNotValidated';

/** Callee pattern: dotted names ending in one of `verbs`, or a plain name imported from a module matching `modules`. */
function calleePattern(root: SyntaxNode, verbs: string, modules: RegExp): RegExp {
  const aliases = [...pyImports(root).entries()].filter(([local, i]) => local && modules.test(i.module)).map(([local]) => local);
  return new RegExp(`^(?:[\\w.]*\\b(?:${verbs})${aliases.length ? `|${aliases.join('|')}` : ''})$`);
}

/** The literal dict an options argument denotes (inline, `dict(...)`, or a variable assigned one in the function or module). */
function optionsEntries(node: SyntaxNode | undefined, fn: SyntaxNode | undefined, root: SyntaxNode): Map<string, string> {
  const out = new Map<string, string>();
  let value = node;
  if (value?.kind() === 'identifier') {
    const name = value.text();
    const local = fn ? pyAssignmentsBefore(fn, name, value.range().start.index).pop()?.value : undefined;
    value = local ?? pyModuleAssignments(root).get(name)?.at(-1)?.field('right') ?? undefined;
  }
  if (!value) return out;
  if (value.kind() === 'dictionary') {
    for (const pair of value.children().filter((c) => c.kind() === 'pair')) {
      const key = pyStringValue(pair.field('key'));
      const v = pair.field('value');
      if (key && v) out.set(key, v.text());
    }
  } else if (value.kind() === 'call' && value.field('function')?.text() === 'dict') {
    for (const kw of value.field('arguments')?.children() ?? [])
      if (kw.kind() === 'keyword_argument') out.set(kw.field('name')?.text() ?? '', kw.field('value')?.text() ?? '');
  }
  return out;
}

const isFalse = (text: string | undefined) => text === 'False' || text === '0';

/** Whether the algorithms argument lists "none". */
function allowsNone(node: SyntaxNode | undefined): boolean {
  if (!node) return false;
  const strings = node.kind() === 'string' ? [node] : node.findAll({ rule: { kind: 'string' } });
  return strings.some((s) => pyStringValue(s)?.toLowerCase() === 'none');
}

/** `algorithms=[header["alg"]]`, `algorithms=unverified.get("alg")`: the token picks its own algorithm. */
const ALG_FROM_TOKEN = /\[\s*["']alg["']\s*\]|\.get\(\s*["']alg["']/;

export default defineRule({
  meta: {
    id: 'jwt-verification-disabled',
    category: 'security',
    title: 'JWT accepted without verifying its signature or algorithm',
    severity: 'critical',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Cryptography',
    effortHours: 1,
    messages: {
      signatureDisabled: '`{{call}}` decodes the JWT without verifying its signature, so anyone can forge its claims.',
      noneAlgorithm: '`{{call}}` uses the "none" JWT algorithm, so tokens carry no signature and anyone can forge them.',
      algorithmsMissing: '`{{call}}` decodes the JWT without an `algorithms=` allow-list, so the token\'s header chooses how it is verified.',
      algorithmFromToken: '`{{call}}` takes the allowed algorithm from the token\'s own header, so an attacker chooses how it is verified.',
      expiryNotVerified: '`{{call}}` turns off the expiry check, so a stolen or revoked token keeps working forever.',
      unverifiedClaims: '`{{call}}` reads the JWT claims without verifying the signature.',
      claimsNotValidated: '`{{call}}` decodes with authlib but `{{name}}.validate()` is never called, so expiry and other claims are not checked.',
    },
    why: [
      'A JWT is only as trustworthy as its signature check. Decoding with verification off, accepting the `none` algorithm, or letting the token pick its algorithm',
      '(an HS256 token "signed" with the public RSA key) lets anyone mint a token for any user or role, which turns every protected route into a public one.',
      'Skipping the expiry check keeps leaked tokens valid forever.',
    ].join(' '),
    fix: [
      'Always pass the key and a fixed list of expected algorithms, and keep the default checks on:',
      '',
      '```python',
      'import jwt',
      '',
      'claims = jwt.decode(',
      '    token,',
      '    settings.JWT_PUBLIC_KEY,',
      '    algorithms=["RS256"],',
      '    audience="api://orders",',
      '    options={"require": ["exp", "sub"]},',
      ')',
      '```',
      'With a JWKS, read the header only to pick the key (`jwt.get_unverified_header(token)["kid"]`), never the algorithm. With authlib, call `claims.validate()` after `jwt.decode`.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\nPyJWT==2.8.0\n',
        'auth.py': 'import jwt\n\n\ndef current_user_id(token: str) -> str:\n    claims = jwt.decode(token, options={"verify_signature": False})\n    return claims["sub"]\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nPyJWT==2.8.0\n',
        'auth.py':
          'import jwt\n\nfrom config import settings\n\n\ndef current_user_id(token: str) -> str:\n    claims = jwt.decode(token, settings.JWT_SECRET, algorithms=["HS256"])\n    return claims["sub"]\n',
      },
    },
    references: {
      cwe: [347, 345, 613],
      owasp: ['A02:2021', 'A07:2021', 'API2:2023'],
      urls: ['https://pyjwt.readthedocs.io/en/stable/api.html', 'https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html'],
      equivalents: [
        'semgrep:python.jwt.security.unverified-jwt-decode.unverified-jwt-decode',
        'semgrep:python.jwt.security.jwt-none-alg.jwt-python-none-alg',
        'semgrep:python.jwt.security.audit.jwt-exposed-data.jwt-python-exposed-data (partial)',
      ],
    },
  },
  check({ index, files, report }) {
    // PyJWT 2 refuses to decode without `algorithms=` (DecodeError), so a missing list there is a crash, not a confusion bug.
    const pyjwt = index.dependencies.find((d) => d.ecosystem === 'pypi' && /^pyjwt(\[.*\])?$/i.test(d.name));
    // Declared and not held to 1.x (unpinned installs the current 2.x).
    const pyjwtRequiresAlgorithms = pyjwt !== undefined && !/^(==|~=|===)\s*[01]\.|<\s*2(\.0)?\b|<=\s*1\./.test(pyjwt.spec.replace(/\s+/g, ' ').trim());
    for (const file of files.ofKind('python', { containing: ['jwt', 'jose'], includeTests: false })) {
      const root = file.ast;
      if (!root) continue;
      const calls = findPyCalls(root, calleePattern(root, 'decode|decode_complete|get_unverified_claims|encode|sign', /^(jwt|jose|authlib)\b/)).map((call) => ({ call, name: pyQualifiedName(root, call.callee) }));
      /** Functions that decode with verification somewhere: an unverified read there is a peek (issuer, key id). */
      const verifyingFunctions = new Set<number>();
      const verdicts: { call: PyCall; messageId: MessageId; severity?: Severity; data?: Record<string, string>; peek?: boolean }[] = [];

      for (const { call, name } of calls) {
        const node = call.node;
        const fn = enclosingPyFunction(node);
        const fnKey = fn?.range().start.index ?? -1;
        if (PYJWT_DECODE.test(name) || JOSE_DECODE.test(name)) {
          const third = call.args[2];
          const algorithms = call.keywords.get('algorithms') ?? (third && /^(list|tuple|set|identifier|attribute|subscript)$/.test(String(third.kind())) ? third : undefined);
          const options = optionsEntries(call.keywords.get('options') ?? (JOSE_DECODE.test(name) ? call.args[3] : undefined), fn, root);
          const verifyOff = isFalse(call.keywords.get('verify')?.text()) || (third !== undefined && isFalse(third.text()));
          const splat = (node.field('arguments')?.children() ?? []).some((c) => c.kind() === 'dictionary_splat');
          if (verifyOff || isFalse(options.get('verify_signature'))) {
            verdicts.push({ call, messageId: 'signatureDisabled', peek: true });
            continue;
          }
          if (allowsNone(algorithms)) verdicts.push({ call, messageId: 'noneAlgorithm' });
          else if (algorithms && ALG_FROM_TOKEN.test(algorithms.text())) verdicts.push({ call, messageId: 'algorithmFromToken' });
          else if (!algorithms && !splat) {
            if (!(PYJWT_DECODE.test(name) && pyjwtRequiresAlgorithms)) verdicts.push({ call, messageId: 'algorithmsMissing', severity: 'high' });
          }
          else verifyingFunctions.add(fnKey);
          if (isFalse(options.get('verify_exp'))) verdicts.push({ call, messageId: 'expiryNotVerified', severity: 'medium' });
          continue;
        }
        if (UNVERIFIED_CLAIMS.test(name)) {
          verdicts.push({ call, messageId: 'unverifiedClaims', severity: 'medium', peek: true });
          continue;
        }
        if (ENCODE.test(name)) {
          const algorithm = call.keywords.get('algorithm') ?? call.args[2];
          if (algorithm && pyStringValue(algorithm)?.toLowerCase() === 'none') verdicts.push({ call, messageId: 'noneAlgorithm' });
          continue;
        }
        if (AUTHLIB_DECODE.test(name)) {
          verifyingFunctions.add(fnKey);
          const assign = node.parent();
          const target = assign?.kind() === 'assignment' ? assign.field('left') : undefined;
          if (!fn || target?.kind() !== 'identifier') continue;
          const validated = new RegExp(`\\b${target.text()}\\.validate\\(`).test(fn.text());
          if (!validated) verdicts.push({ call, messageId: 'claimsNotValidated', severity: 'medium', data: { name: target.text() } });
        }
      }

      for (const v of verdicts) {
        const fn = enclosingPyFunction(v.call.node);
        // Reading the claims unverified to find the issuer or key, then verifying properly in the same function, is the JWKS pattern.
        if (v.peek && fn && verifyingFunctions.has(fn.range().start.index)) continue;
        report({
          messageId: v.messageId,
          at: file.locate(v.call.node),
          data: { call: codeSpanText(v.call.node, 80), ...(v.data ?? {}) },
          ...(v.severity ? { severity: v.severity } : {}),
        });
      }
    }
  },
});
