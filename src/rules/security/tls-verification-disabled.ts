import type { SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { describePyCall, findPyCalls, pyImports, pyQualifiedName, pyStringValue, type PyCall } from '../../parse/python-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';

/** Callee names (last segment) of HTTP clients and SDK constructors that take `verify=`. */
const VERIFY_CALLEE =
  /^(get|post|put|patch|delete|head|options|request|send|stream|Client|AsyncClient|Session|client|resource|urlopen|HTTPTransport|AsyncHTTPTransport|OAuth2Session|Elasticsearch|OpenSearch|Minio|Consul|Vault|hvac\.Client|Github|Jira|Redmine)$/;
/** Modules whose calls with `verify=False` mean "skip the TLS check" (everything else must look like an HTTP client call). */
const VERIFY_MODULES = /^(requests|httpx|boto3|botocore|aioboto3|urllib3|hvac|elasticsearch|opensearchpy|minio|jira|github|gitlab|zeep|suds|pysnow|docker|kubernetes|openai|slack_sdk|authlib|requests_oauthlib|google)\b/;
const NOT_TLS_VERIFY = /^(jwt|jose|authlib\.jose)\./;
const AIOHTTP_SSL_CALLEE = /^(get|post|put|patch|delete|head|options|request|ws_connect|TCPConnector|ClientSession)$/;
const UNVERIFIED_CONTEXT = /^ssl\._create_unverified_context$/;
const DISABLE_WARNINGS = /^(urllib3\.disable_warnings|requests\.packages\.urllib3\.disable_warnings)$/;
const FILTER_WARNINGS = /^warnings\.(filterwarnings|simplefilter)$/;

const isFalse = (node: SyntaxNode | undefined) => node !== undefined && (node.text() === 'False' || node.text() === '0');

export default defineRule({
  meta: {
    id: 'tls-verification-disabled',
    category: 'security',
    title: 'TLS certificate verification disabled',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Cryptography',
    effortHours: 1,
    messages: {
      verifyFalse: '`{{call}}` turns off TLS certificate verification with `{{argument}}`.',
      sessionVerifyFalse: '`{{statement}}` turns off certificate verification for every request made through `{{owner}}`.',
      unverifiedContext: '`{{call}}` creates an SSL context that accepts any certificate.',
      contextCheckDisabled: '`{{statement}}` disables {{what}} on an SSL context.',
      weakProtocol: '`{{expr}}` allows {{protocol}}, a protocol version with known attacks that browsers and servers have dropped.',
      warningsSilenced: '`{{call}}` silences the warnings urllib3 prints for unverified HTTPS requests, hiding where verification is off.',
    },
    why: [
      'Without certificate verification, anyone on the network path (a compromised Wi-Fi, a malicious proxy, a hijacked DNS answer, another tenant in the same cloud network) can impersonate the server:',
      'read the API keys and personal data you send, and feed your service forged responses. The connection is still "HTTPS", so nothing looks wrong.',
      '`verify=False` is usually added to get past a self-signed or internal CA certificate and then forgotten in production.',
    ].join(' '),
    fix: [
      'Keep verification on and trust the right CA instead of turning the check off:',
      '',
      '```python',
      'import httpx',
      'import requests',
      '',
      'requests.get(url, timeout=10, verify=settings.INTERNAL_CA_BUNDLE)   # path to the CA .pem',
      'client = httpx.Client(verify=ssl.create_default_context(cafile=settings.INTERNAL_CA_BUNDLE))',
      '```',
      'For an SSL context, use `ssl.create_default_context()` and leave `check_hostname` and `verify_mode` at their defaults. If a test needs a self-signed server, set this in test configuration only.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'requests==2.32.3\n',
        'client.py': 'import requests\n\n\ndef fetch_invoices(base_url: str) -> list:\n    return requests.get(f"{base_url}/invoices", timeout=10, verify=False).json()\n',
      },
      good: {
        'requirements.txt': 'requests==2.32.3\n',
        'client.py': 'import requests\n\n\ndef fetch_invoices(base_url: str) -> list:\n    return requests.get(f"{base_url}/invoices", timeout=10).json()\n',
      },
    },
    references: {
      cwe: [295, 326],
      owasp: ['A02:2021', 'A07:2021'],
      urls: ['https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification', 'https://docs.python.org/3/library/ssl.html#security-considerations'],
      equivalents: [
        'bandit:B501',
        'bandit:B323',
        'bandit:B502',
        'bandit:B503',
        'semgrep:python.requests.security.disabled-cert-validation.disabled-cert-validation',
        'semgrep:python.lang.security.unverified-ssl-context.unverified-ssl-context',
      ],
    },
  },
  check({ files, report }) {
    const hint = ['verify', 'ssl', 'SSL', 'CERT_NONE', 'check_hostname', 'disable_warnings', 'InsecureRequestWarning'];
    for (const file of files.ofKind('python', { containing: hint, includeTests: false })) {
      const root = file.ast;
      if (!root) continue;
      const imports = [...pyImports(root).values()].map((i) => i.module);
      const usesAiohttp = imports.some((m) => m.startsWith('aiohttp'));

      const candidates = [
        ...findPyCalls(root, /(_create_unverified_context|disable_warnings|filterwarnings|simplefilter)$/),
        ...file
          .findAll({ kind: 'call', has: { field: 'arguments', has: { kind: 'keyword_argument', regex: '^(verify|verify_ssl|ssl|cert_reqs)\\s*=' } } })
          .map((n) => describePyCall(n))
          .filter((c): c is PyCall => c !== undefined),
      ];
      for (const call of candidates) {
        const node = call.node;
        const name = pyQualifiedName(root, call.callee);
        const last = call.callee.split('.').pop() ?? '';
        const at = file.locate(node);
        const text = codeSpanText(node, 80);

        if (UNVERIFIED_CONTEXT.test(name)) {
          report({ messageId: 'unverifiedContext', at, data: { call: text } });
          continue;
        }
        if (DISABLE_WARNINGS.test(name) || (FILTER_WARNINGS.test(name) && node.text().includes('InsecureRequestWarning'))) {
          report({ messageId: 'warningsSilenced', at, data: { call: text }, severity: 'low' });
          continue;
        }

        const verify = call.keywords.get('verify');
        if (isFalse(verify) && !NOT_TLS_VERIFY.test(name) && (VERIFY_MODULES.test(name) || VERIFY_CALLEE.test(last))) {
          report({ messageId: 'verifyFalse', at, data: { call: text, argument: `verify=${verify!.text()}` } });
          continue;
        }

        const certReqs = call.keywords.get('cert_reqs');
        if (certReqs && /CERT_NONE$/.test(pyStringValue(certReqs) ?? certReqs.text())) {
          report({ messageId: 'verifyFalse', at, data: { call: text, argument: `cert_reqs=${certReqs.text()}` } });
          continue;
        }

        if (usesAiohttp) {
          const ssl = call.keywords.get('ssl');
          const verifySsl = call.keywords.get('verify_ssl');
          if (isFalse(verifySsl)) report({ messageId: 'verifyFalse', at, data: { call: text, argument: `verify_ssl=${verifySsl!.text()}` } });
          else if (isFalse(ssl) && AIOHTTP_SSL_CALLEE.test(last)) report({ messageId: 'verifyFalse', at, data: { call: text, argument: `ssl=${ssl!.text()}` } });
        }
      }

      // ssl.PROTOCOL_TLSv1, OpenSSL.SSL.SSLv3_METHOD, ctx.minimum_version = ssl.TLSVersion.TLSv1
      const reportedLines = new Set<number>();
      for (const attr of file.findAll({ kind: 'attribute', regex: '\\.(PROTOCOL_|SSLv|TLSv)\\w*$' })) {
        const last = attr.field('attribute')?.text() ?? '';
        if (!/^(PROTOCOL_|SSLv|TLSv)/.test(last)) continue;
        if (attr.parent()?.kind() === 'attribute' && attr.parent()?.field('object')?.range().start.index === attr.range().start.index) continue;
        const name = pyQualifiedName(root, attr.text());
        const m = /^(?:ssl\.PROTOCOL_|OpenSSL\.SSL\.|ssl\.TLSVersion\.)(SSLv2|SSLv3|TLSv1|TLSv1_1)(?:_METHOD)?$/.exec(name);
        if (!m) continue;
        // Used, not just mapped: an argument (`SSLContext(ssl.PROTOCOL_TLSv1)`, `ssl_version=`) or `ctx.minimum_version = …`.
        const parent = attr.parent();
        const used =
          parent?.kind() === 'argument_list' ||
          (parent?.kind() === 'keyword_argument' && parent.field('value')?.range().start.index === attr.range().start.index) ||
          (parent?.kind() === 'assignment' && /(minimum_version|ssl_version|protocol)$/.test(parent.field('left')?.text() ?? '') && parent.field('right')?.range().start.index === attr.range().start.index);
        if (!used) continue;
        const line = attr.range().start.line;
        if (reportedLines.has(line)) continue;
        reportedLines.add(line);
        const protocol = ({ SSLv2: 'SSL 2.0', SSLv3: 'SSL 3.0', TLSv1: 'TLS 1.0', TLSv1_1: 'TLS 1.1' } as Record<string, string>)[m[1]];
        report({ messageId: 'weakProtocol', at: file.locate(attr), data: { expr: attr.text(), protocol }, severity: /SSL/.test(m[1]) ? 'high' : 'medium' });
      }

      // session.verify = False; ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
      // ssl._create_default_https_context = ssl._create_unverified_context
      for (const assign of file.findAll({ kind: 'assignment', has: { field: 'left', kind: 'attribute', regex: '\\.(verify|check_hostname|verify_mode|_create_default_https_context)$' } })) {
        const left = assign.field('left');
        const right = assign.field('right');
        if (left?.kind() !== 'attribute' || !right) continue;
        const attr = left.field('attribute')?.text();
        const owner = left.field('object')?.text() ?? '';
        const statement = codeSpanText(assign, 80);
        // A class's own default (`self.check_hostname = False` in an SSLContext look-alike) is not a context in use.
        if (owner === 'self' && attr !== 'verify') continue;
        if (attr === 'verify' && isFalse(right)) report({ messageId: 'sessionVerifyFalse', at: file.locate(assign), data: { statement, owner } });
        else if (attr === 'check_hostname' && isFalse(right)) report({ messageId: 'contextCheckDisabled', at: file.locate(assign), data: { statement, what: 'hostname checking, so a valid certificate for any other host is accepted' } });
        else if (attr === 'verify_mode' && /(^|\.)CERT_NONE$/.test(pyQualifiedName(root, right.text())))
          report({ messageId: 'contextCheckDisabled', at: file.locate(assign), data: { statement, what: 'certificate verification, so any certificate is accepted' } });
        else if (attr === '_create_default_https_context' && UNVERIFIED_CONTEXT.test(pyQualifiedName(root, right.text())))
          report({ messageId: 'unverifiedContext', at: file.locate(assign), data: { call: statement } });
      }
    }
  },
});
