/**
 * The shared secret vocabulary, the provider formats and the language-agnostic scanner, on inline
 * snippets: each detector finds its form in the languages that use it and stays quiet on the
 * look-alikes next to it. The rules' own fixture cases cover wording, severity and ownership.
 */
import { describe, expect, it } from 'vitest';
import { NeedleMatcher } from '../../src/facts/needle-matcher.ts';
import { CONTEXTUAL_FORMATS, contextualProvider, findProviderSecrets, isRealJwt, SECRET_FORMATS } from '../../src/facts/secret-formats.ts';
import { scanSnippet, secretOwnerOf, textSyntaxOf, type SecretHit } from '../../src/facts/secret-scan.ts';
import { isLooseKeyName, judgeSecretValue, nameWords, reportableInTests, secretKindOf } from '../../src/facts/secret-vocabulary.ts';
import { classifyFile } from '../../src/discover/classify.ts';
import { parseLabelsCsv } from '../../scripts/secret-labels.ts';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const scan = (file: string, text: string): SecretHit[] => scanSnippet(file, classifyFile(file).kind, text);
const values = (file: string, text: string) => scan(file, text).map((h) => h.value);

describe('NeedleMatcher', () => {
  it('finds every needle in one pass, overlapping ones included', () => {
    const m = new NeedleMatcher(['sk-', 'sk-ant-', 'ghp_', 'ant']);
    expect([...m.found('key sk-ant-xyz and ghp_abc')].sort()).toEqual([0, 1, 2, 3]);
    expect(m.any('nothing here')).toBe(false);
    expect(m.matches('xx ghp_1').map((x) => x.end)).toEqual([7]);
  });
  it('folds case when asked, and reads past non-ASCII text', () => {
    const m = new NeedleMatcher(['password'], { caseInsensitive: true });
    expect(m.any('Contraseña / PASSWORD')).toBe(true);
    expect(m.any('pässwörd')).toBe(false);
  });
});

describe('secret names', () => {
  it('splits every naming style and glued words', () => {
    expect(nameWords('OPENAI_API_KEY')).toEqual(['openai', 'api', 'key']);
    expect(nameWords('jwtSecret')).toEqual(['jwt', 'secret']);
    expect(nameWords('X-API-Key')).toEqual(['x', 'api', 'key']);
    expect(nameWords('requirepass')).toEqual(['require', 'pass']);
    expect(nameWords('masterauth')).toEqual(['master', 'auth']);
    expect(nameWords('spring.datasource.password')).toEqual(['spring', 'datasource', 'password']);
  });
  it.each([
    ['DB_PASSWORD', 'password'],
    ['ansible_become_pass', 'password'],
    ['requirepass', 'password'],
    ['Passwort', 'password'],
    ['jwt.secret', 'signing'],
    ['client_secret', 'secret'],
    ['STRIPE_API_KEY', 'apiKey'],
    ['LOGGED_IN_KEY', 'apiKey'],
    ['AUTH_SALT', 'salt'],
    ['refreshToken', 'token'],
    ['private_key', 'privateKey'],
    ['masterauth', 'credentials'],
    ['Authorization', 'authorization'],
  ])('%s holds a %s', (name, kind) => expect(secretKindOf(name)).toBe(kind));
  it.each([
    'PASSWORD_MIN_LENGTH',
    'token_url',
    'secret_name',
    'password_hash',
    'api_key_header',
    'TOKEN_KEY',
    'adminPasswordKey',
    'is_token_valid',
    'forgot_password',
    'max_tokens',
    'proxy_pass',
    'MODULE_PASS',
    'bypass',
    'publishable_key',
    'md5OfPassword',
    'password_encryption',
    'cache_key',
    'keyboard',
  ])('%s does not', (name) => expect(secretKindOf(name)).toBeUndefined());
  it('treats an unknown `…Key` as a credential only with a generated value', () => {
    expect(isLooseKeyName('widgetKey')).toBe(true);
    expect(isLooseKeyName('cacheKey')).toBe(false);
    expect(isLooseKeyName('primary_key')).toBe(false);
  });
});

describe('secret values', () => {
  const password = (v: string, extra = {}) => judgeSecretValue(v, { kind: 'password', ...extra });
  it('tells generated, human-chosen and guessable values apart', () => {
    expect(password('q9Lr2vTz7nWc4Xk8Jd2m')?.strength).toBe('live');
    expect(password('Summer-Tide-77x!')?.strength).toBe('live');
    expect(password('bluesky-harbor')?.strength).toBe('plain');
    expect(password('changeme')).toMatchObject({ strength: 'weak', reason: 'a common default' });
    expect(password('P@ssw0rd')).toMatchObject({ strength: 'weak' });
    expect(password('hunter22')).toMatchObject({ strength: 'weak', reason: 'a word followed by digits' });
    expect(password('dev-secret-123')).toMatchObject({ strength: 'weak', reason: 'a development or example marker' });
  });
  it.each([
    '${DB_PASSWORD}',
    '${DB_PASSWORD:-}',
    '{{ vault_db_password }}',
    '%(db_password)s',
    '#{ENV["X"]}',
    'process.env.DB_PASSWORD',
    'os.environ["DB_PASSWORD"]',
    '<your-password>',
    'your_password_here',
    '********',
    'xxxxxxxx',
    '$2b$12$KIXQJQ0hY5c8v1l9u3mZOe1y6Wb0rT2Yx4Vn8Zs3Qp7Lm5Kd9Fa2G',
    '/run/secrets/db_password',
    'https://auth.example.com/token',
    'string',
    'Optional[str]',
    'Passwort',
    'Enter your password',
    'ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)',
    '!vault |',
    'somefakepassword',
    'scram-sha-256',
    'Password: ',
  ])('%s is not a secret value', (value) => expect(password(value)).toBeUndefined());
  it('keeps a secret whose text only looks like a template', () => {
    expect(password('m{{h}o)p${e]nob(ody[finds>-_$#x')?.strength).toBe('live');
  });
  it('reads Spring {noop} passwords and skips encoded hashes', () => {
    expect(password('{noop}Adm!n-Ops2024')?.secret).toBe('Adm!n-Ops2024');
    expect(password('{bcrypt}$2a$10$abcdefghijklmnopqrstuv')).toBeUndefined();
  });
  it('counts an unreplaced placeholder as the weak default a running app uses, only where asked', () => {
    expect(judgeSecretValue('your-secret-here', { kind: 'signing' })).toBeUndefined();
    expect(judgeSecretValue('your-secret-here', { kind: 'signing', placeholderIsWeak: true })?.reason).toBe('an unreplaced placeholder');
  });
  it('in test code reports real-looking values and word-and-digits passwords, not dummies', () => {
    expect(reportableInTests({ strength: 'live' })).toBe(true);
    expect(reportableInTests({ strength: 'weak', reason: 'a word followed by digits' })).toBe(true);
    expect(reportableInTests({ strength: 'weak', reason: 'a common default' })).toBe(false);
    expect(reportableInTests({ strength: 'weak', reason: 'a development or example marker' })).toBe(false);
  });
});

describe('provider formats', () => {
  it('has a fixture line for every format and every keyword-context format', () => {
    const dir = path.resolve(import.meta.dirname, '../../fixtures/rules');
    const snapshots = readdirSync(dir)
      .flatMap((rule) => {
        try {
          return readdirSync(path.join(dir, rule, '__snapshots__')).map((f) => readFileSync(path.join(dir, rule, '__snapshots__', f), 'utf8'));
        } catch {
          return [];
        }
      })
      .join('\n');
    const missing = [...new Set([...SECRET_FORMATS, ...CONTEXTUAL_FORMATS].map((f) => f.provider))].filter((p) => !snapshots.includes(p));
    expect(missing).toEqual([]);
  });
  it('rejects documentation samples and placeholders of real shapes', () => {
    expect(findProviderSecrets('AKIAIOSFODNN7EXAMPLE')).toEqual([]);
    expect(findProviderSecrets('ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')).toEqual([]);
    expect(findProviderSecrets('sk_live_0000000000000000000000000000')).toEqual([]);
    expect(findProviderSecrets('-----BEGIN RSA PRIVATE KEY-----\nMIIxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n-----END RSA PRIVATE KEY-----')).toEqual([]);
    expect(findProviderSecrets('const PEM_HEADER = "-----BEGIN PRIVATE KEY-----";')).toEqual([]);
  });
  it('checks JWTs: a signing algorithm, registered claims, not the jwt.io sample, not a public anon key', () => {
    const b = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const sig = 'Tq8Xv2Lm7Tr4Wn9Pb3Yc6Hd1Fs5Gj0Ke8Mu2Qa7Rx4';
    expect(isRealJwt(`${b({ alg: 'HS256' })}.${b({ sub: 'svc', iat: 1 })}.${sig}`)).toBe(true);
    expect(isRealJwt(`${b({ alg: 'none' })}.${b({ sub: 'svc' })}.${sig}`)).toBe(false);
    expect(isRealJwt(`${b({ alg: 'HS256' })}.${b({ some: 'payload' })}.${sig}`)).toBe(false);
    expect(isRealJwt(`${b({ alg: 'HS256' })}.${b({ role: 'anon', iss: 'supabase' })}.${sig}`)).toBe(false);
  });
  it('names keyword-context formats only next to their provider', () => {
    expect(contextualProvider('5f0c2e8a1b7d4c6e9f3a0b8d2c7e5f1a', 'datadog_api_key = ')?.provider).toBe('A Datadog API key');
    expect(contextualProvider('5f0c2e8a1b7d4c6e9f3a0b8d2c7e5f1a', 'build_id = ')).toBeUndefined();
  });
});

describe('the language-agnostic scan', () => {
  it.each([
    ['src/Db.java', 'private static final String DB_PASSWORD = "Pq7!vLm2Xr9Tz";', 'Pq7!vLm2Xr9Tz'],
    ['src/Db.java', 'config.setPassword("W4rehouse_Sync_88");', 'W4rehouse_Sync_88'],
    ['src/Db.java', 'conn = DriverManager.getConnection(url, "app", "Jd8!cPw-Conn9");', 'Jd8!cPw-Conn9'],
    ['cmd/main.go', '\tPassword: "r3d1s-Cache!2024",', 'r3d1s-Cache!2024'],
    ['cmd/main.go', 'var sessionSecret = []byte("9f86d081884c7d659a2feaa0c55ad015")', '9f86d081884c7d659a2feaa0c55ad015'],
    ['app/db.php', "$db_pass = 'N3wsl3tt3r!Sync';", 'N3wsl3tt3r!Sync'],
    ['wp-config.php', "define( 'DB_PASSWORD', 'Wp#Bl0g!Pr0d-2023' );", 'Wp#Bl0g!Pr0d-2023'],
    ['lib/client.rb', 'request.basic_auth("shop", "Sh1pF@st-Integr8")', 'Sh1pF@st-Integr8'],
    ['Svc.cs', 'private const string ClientSecret = "Qx8~Tz3.Wm9_Lr2-Nv5~Kb7";', 'Qx8~Tz3.Wm9_Lr2-Nv5~Kb7'],
    ['keys.h', '#define DEVICE_SECRET "d3v1ce-S3cr3t-Fw9Qz"', 'd3v1ce-S3cr3t-Fw9Qz'],
    ['sync.rs', 'const SYNC_API_TOKEN: &str = "syn_8Wq3Zx7Lm2Tv9Rk4Pn6Yb1H";', 'syn_8Wq3Zx7Lm2Tv9Rk4Pn6Yb1H'],
    ['Conf.kt', 'val token = System.getenv("SYNC_TOKEN") ?: "kt_def4ult_Tok3n_9XqLm2"', 'kt_def4ult_Tok3n_9XqLm2'],
    ['app.properties', 'spring.datasource.password=Lq8vZ2mXr5Tn9Wb4', 'Lq8vZ2mXr5Tn9Wb4'],
    ['settings.xml', '<password>N3xus-Depl0y!2025</password>', 'N3xus-Depl0y!2025'],
    ['web.config', '<add key="PartnerApiKey" value="8c2e4a6f1b3d5c7e9a0b2d4f6e8a1c3b" />', '8c2e4a6f1b3d5c7e9a0b2d4f6e8a1c3b'],
    ['redis.conf', 'requirepass Rv7!pQ2xLm9Tz4Kw', 'Rv7!pQ2xLm9Tz4Kw'],
    ['appsettings.json', '"Default": "Server=sql;Database=App;User Id=app;Password=Pp7#kRt9!mZq2Lw;"', 'Pp7#kRt9!mZq2Lw'],
    ['deploy.sh', 'mysql -h db -u deploy -pD3pl0y_Db_2024 app < seed.sql', 'D3pl0y_Db_2024'],
    ['deploy.sh', 'curl -u statusbot:Vq7mZ2xL9rT4wN8k https://status.example.com', 'Vq7mZ2xL9rT4wN8k'],
    ['deploy.sh', 'curl -H "Authorization: Bearer 3f9a7c1e5b2d8f4a6c0e9b7d5f3a1c8e6b4d2f0a" https://x', '3f9a7c1e5b2d8f4a6c0e9b7d5f3a1c8e6b4d2f0a'],
    ['roles.sql', "CREATE USER 'legacy'@'%' IDENTIFIED BY 'L3gacy-My!sql';", 'L3gacy-My!sql'],
    ['docker-compose.yml', '    command: ["redis-server", "--requirepass", "C4che!Web-Pr0d"]', 'C4che!Web-Pr0d'],
    ['notes.txt', 'FTP: ftp://uploads:Ftp-Upl0ad!99@files.example.org', 'Ftp-Upl0ad!99'],
    ['main.tf', 'variable "db_password" {\n  default = "Tf!Default-Pw1x"\n}', 'Tf!Default-Pw1x'],
    ['render.yaml', '- key: PAYMENT_WEBHOOK_SECRET\n  value: b6c29163d00d68df6db75d0c3f7eb934', 'b6c29163d00d68df6db75d0c3f7eb934'],
  ])('%s: %s', (file, text, expected) => expect(values(file, text)).toContain(expected));

  it.each([
    ['src/Db.java', 'private final String password = System.getenv("DB_PASSWORD");'],
    ['src/Db.java', 'public static final int PASSWORD_MIN_LENGTH = 12;'],
    ['cmd/main.go', '\tPassword string `json:"password"`'],
    ['app/db.php', "$password = request()->input('password');"],
    ['app.properties', 'spring.datasource.password=${DB_PASSWORD}'],
    ['app.properties', 'login.password=Mot de passe'],
    ['config/locales/de.yml', '  password: "Passwort"'],
    ['login.html', '<input type="password" name="password" placeholder="Your password">'],
    ['deploy.sh', 'curl -u "$STATUS_USER:$STATUS_PASSWORD" https://status.example.com'],
    ['deploy.sh', 'read -r -s -p "Vault password: " VAULT_PASSWORD'],
    ['README.md', '```bash\nexport OPENAI_API_KEY=sk-...\n```'],
    ['README.md', 'Pass `--token` to authenticate.'],
    ['schema.sql', '    password_hash TEXT NOT NULL,'],
    ['package-lock.json', '"integrity": "sha512-PRp66vJ865SSqOlgqS8hujT5U4AOgMfhrwYIuIhfKaoSCZcirrmASQr8CX7cUg+RMih+hgznrjp99o+W4pJLHQ=="'],
    ['nginx.conf', '    proxy_pass http://metrics:9090;'],
    ['api.h', '#define PQnoPasswordSupplied "fe_sendauth: no password supplied\\n"'],
    ['.env.example', 'OPENAI_API_KEY=your_api_key_here'],
  ])('%s stays quiet: %s', (file, text) => expect(scan(file, text)).toEqual([]));

  it('reads a guessable value in a comment as an example, a generated one as a leak', () => {
    expect(scan('app.js', '// password = "admin"')).toEqual([]);
    expect(values('app.js', '// token = "q9Lr2vTz7nWc4Xk8Jd2mQp0sBf6Hy3Ua"')).toEqual(['q9Lr2vTz7nWc4Xk8Jd2mQp0sBf6Hy3Ua']);
  });
  it('reads a private key added over many lines as one secret, at its first line', () => {
    const hits = scan('deploy/key.pem', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIALCV7xAC++fD95g9CHQ5MdguU4v5zrs2dxiDbw39T4/oAoGCCqGSM49\nAwEHoUQDQgAEu8j2Lp3rZ2nq0aW9dS4Xc1yQb6hVt7mK3eJf8GuN5oYpR2wT1cZ\n-----END EC PRIVATE KEY-----\n');
    expect(hits.map((h) => [h.detector, h.line, h.endLine])).toEqual([['private-key', 1, 4]]);
  });
});

describe('where a file belongs', () => {
  it.each([
    ['src/Main.java', 'code', 'source'],
    ['scripts/deploy.sh', 'shell', 'source'],
    ['db/roles.sql', 'sql', 'source'],
    ['infra/main.tf', 'code', 'config'],
    ['Jenkinsfile', 'code', 'config'],
    ['config/app.yml', 'config', 'config'],
    ['conf/web.config', 'markup', 'config'],
    ['README.md', 'prose', 'config'],
    ['certs/server.key', 'keyfile', 'config'],
    ['Dockerfile', 'shell', 'dockerfile'],
    ['.env', 'config', 'dotenv'],
    ['.env.example', 'config', 'config'],
    ['config.yml.example', 'config', 'config'],
  ])('%s is %s, reported by the %s owner', (file, syntax, owner) => {
    const kind = classifyFile(file).kind;
    expect(textSyntaxOf({ path: file, kind })).toBe(syntax);
    expect(secretOwnerOf({ path: file, kind })).toBe(owner);
  });
});

describe('labels files', () => {
  it('reads our sidecar and CredData meta files, in both column layouts', () => {
    const ours = parseLabelsCsv('Id,FilePath,LineStart,LineEnd,GroundTruth,Category,Kind\n1,a/b.py,3,3,T,Password,python\n2,a/b.py,5,5,F,,placeholder\n');
    expect(ours.map((l) => [l.file, l.lineStart, l.truth, l.kind])).toEqual([
      ['a/b.py', 3, 'T', 'python'],
      ['a/b.py', 5, 'F', 'placeholder'],
    ]);
    const meta = parseLabelsCsv(
      'Id,FileID,Domain,RepoName,FilePath,LineStart,LineEnd,GroundTruth,WithWords,ValueStart,ValueEnd,InURL,InRuntimeParameter,CharacterSet,CryptographyKey,PredefinedPattern,VariableNameType,Entropy,Length,Base64Encode,HexEncode,URLEncode,Category\n' +
        '7,ab12,GitHub,r1,data/r1/src/ab12.yml,9,9,T,F,10,30,F,F,Any,,,Secret,3.9,20,F,F,F,"Generic Secret"\n' +
        '8,ab12,GitHub,r1,data/r1/src/ab12.yml,12,12,X,F,,,F,F,,,,,0,0,F,F,F,Password\n',
    );
    expect(meta.map((l) => [l.file, l.lineStart, l.truth, l.category])).toEqual([
      ['data/r1/src/ab12.yml', 9, 'T', 'Generic Secret'],
      ['data/r1/src/ab12.yml', 12, 'X', 'Password'],
    ]);
    const legacy = parseLabelsCsv('Id,FilePath,LineStart:LineEnd,GroundTruth\n1,data/x/test/y.example,83:83,True\n');
    expect(legacy.map((l) => [l.lineStart, l.lineEnd, l.truth])).toEqual([[83, 83, 'T']]);
  });
});
