/**
 * Known secret formats: provider keys and tokens whose shape alone says what they are, and
 * (further down) formats that need a keyword next to them because the value alone is just hex or
 * base62. Each shape is a public fact documented by its provider; the regexes are our own.
 *
 * Every format names the provider for the message, the literal needles a text must contain for
 * the pattern to be worth running (the cheap pre-filter), and the prefix that is not part of the
 * secret's randomness (so entropy is judged on the random body only). Identifiers that are not
 * secrets (an AWS account id, a Twilio account SID, a Stripe publishable key, a Sentry DSN) are
 * deliberately absent.
 */
import type { Severity } from '../model/rule.ts';
import { NeedleMatcher } from './needle-matcher.ts';
import { shannonEntropy } from './secret-vocabulary.ts';

export { shannonEntropy } from './secret-vocabulary.ts';

export interface SecretFormat {
  provider: string;
  regex: RegExp;
  /** Literal tokens for the cheap pre-filter (case-sensitive). */
  needle: string[];
  /** The fixed prefix, removed before judging entropy. */
  prefix?: RegExp;
  /** Minimum Shannon entropy of the random body (default 3.0). */
  minEntropy?: number;
  /** Extra check on a match (decode a JWT header, look at a PEM body …). */
  validate?: (match: string) => boolean;
  /** A lower default severity: test-mode keys reach only a provider's sandbox. */
  severity?: Severity;
  /** The match spans lines (PEM blocks): the pattern runs from the needle's line onwards, not on that line only. */
  multiline?: boolean;
}

const b64url = (s: string): string | undefined => {
  try {
    return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  } catch {
    return undefined;
  }
};

/** A JWT whose header decodes to JSON with a signing algorithm, and which is not the jwt.io sample or a public Supabase anon key. */
export function isRealJwt(token: string): boolean {
  const [header, payload, signature] = token.split('.');
  const h = b64url(header);
  const p = b64url(payload) ?? '';
  if (!h || !/"alg"\s*:\s*"(?!none")[A-Za-z0-9]+"/.test(h) || !signature || signature.length < 16) return false;
  if (!/^\s*\{\s*"/.test(p) || /"name"\s*:\s*"John Doe"|"sub"\s*:\s*"1234567890"/.test(p)) return false;
  if (/"role"\s*:\s*"anon"/.test(p)) return false;
  // A real token carries registered or common claims; `{"some":"payload"}` is a documentation sample.
  if (!/"(?:sub|iat|exp|iss|aud|nbf|jti|role|scope|scp|uid|user_id|userId|email|azp|client_id|tid|oid)"\s*:/.test(p)) return false;
  return shannonEntropy(signature) >= 3.5;
}

/** A PEM block whose body is real base64 key material, not `MIIxxxx…` or `...`. */
function isRealPrivateKey(block: string): boolean {
  const body = block
    .replace(/-----BEGIN[^-]*-----/, '')
    .replace(/\\[nr]/g, '')
    .replace(/^[A-Za-z-]+: .*$/gm, '')
    .replace(/[^A-Za-z0-9+/=]/g, '');
  if (body.length < 40 || /x{6,}|X{6,}|EXAMPLE|\.\.\./.test(block.slice(0, 400))) return false;
  return shannonEntropy(body.slice(0, 400)) >= 4.5;
}

const pem = (kinds: string) => new RegExp(`-----BEGIN (?:${kinds})PRIVATE KEY(?: BLOCK)?-----(?:\\\\[nr]|[\\s"'+,])*(?:[A-Za-z-]+: [^\\n]*\\n(?:\\s|\\\\n)*)*[A-Za-z0-9+/=\\s\\\\"'+,]{40,}`, 'g');

export const SECRET_FORMATS: SecretFormat[] = [
  // AI providers
  { provider: 'An Anthropic API key', regex: /\bsk-ant-(?:api\d\d-|admin\d\d-|oat\d\d-)?[A-Za-z0-9_-]{32,}/g, needle: ['sk-ant-'], prefix: /^sk-ant-(?:api\d+-|admin\d+-|oat\d+-)?/ },
  { provider: 'An OpenAI API key', regex: /\bsk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{32,}/g, needle: ['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-None-'], prefix: /^sk-\w+-/ },
  { provider: 'An OpenAI API key', regex: /\bsk-[A-Za-z0-9]{40,}\b/g, needle: ['sk-'], prefix: /^sk-/ },
  { provider: 'An xAI API key', regex: /\bxai-[A-Za-z0-9]{70,90}\b/g, needle: ['xai-'], prefix: /^xai-/ },
  { provider: 'A Hugging Face token', regex: /\bhf_[A-Za-z0-9]{34,}\b/g, needle: ['hf_'], prefix: /^hf_/ },
  { provider: 'A Replicate API token', regex: /\br8_[A-Za-z0-9]{37}\b/g, needle: ['r8_'], prefix: /^r8_/ },
  { provider: 'A Groq API key', regex: /\bgsk_[A-Za-z0-9]{52}\b/g, needle: ['gsk_'], prefix: /^gsk_/ },
  { provider: 'An OpenRouter API key', regex: /\bsk-or-v1-[a-f0-9]{64}\b/g, needle: ['sk-or-v1-'], prefix: /^sk-or-v1-/ },
  { provider: 'A Perplexity API key', regex: /\bpplx-[A-Za-z0-9]{48}\b/g, needle: ['pplx-'], prefix: /^pplx-/ },
  { provider: 'An ElevenLabs API key', regex: /\bsk_[a-f0-9]{48}\b/g, needle: ['sk_'], prefix: /^sk_/ },
  { provider: 'A LangSmith API key', regex: /\blsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}\b/g, needle: ['lsv2_'], prefix: /^lsv2_\w\w_/ },
  { provider: 'A Pinecone API key', regex: /\bpcsk_[A-Za-z0-9_]{40,}\b/g, needle: ['pcsk_'], prefix: /^pcsk_/ },
  // Cloud
  { provider: 'An AWS access key id', regex: /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/g, needle: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'], prefix: /^(?:AKIA|ASIA|ABIA|ACCA|A3T.)/, minEntropy: 2.8 },
  { provider: 'An AWS session token', regex: /\b(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9+/=]{100,}/g, needle: ['IQoJb3JpZ2luX2Vj', 'FwoGZXIvYXdzE'], prefix: /^(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)/ },
  { provider: 'A Google API key', regex: /\bAIza[0-9A-Za-z_-]{35}\b/g, needle: ['AIza'], prefix: /^AIza/ },
  { provider: 'A Google OAuth client secret', regex: /\bGOCSPX-[A-Za-z0-9_-]{28}\b/g, needle: ['GOCSPX-'], prefix: /^GOCSPX-/ },
  { provider: 'A Google OAuth access token', regex: /\bya29\.[0-9A-Za-z_-]{40,}/g, needle: ['ya29.'], prefix: /^ya29\./ },
  { provider: 'A Google OAuth refresh token', regex: /\b1\/\/0[0-9A-Za-z_-]{40,}/g, needle: ['1//0'], prefix: /^1\/\/0/ },
  { provider: 'An Azure storage account key', regex: /AccountKey=[A-Za-z0-9+/]{86}==/g, needle: ['AccountKey='], prefix: /^AccountKey=/ },
  { provider: 'An Azure shared access key', regex: /SharedAccessKey=[A-Za-z0-9+/]{43}=/g, needle: ['SharedAccessKey='], prefix: /^SharedAccessKey=/ },
  { provider: 'An Azure SAS token signature', regex: /\bsv=\d{4}-\d\d-\d\d&[^\s"'<>]*?\bsig=[A-Za-z0-9%]{40,}/g, needle: ['sig='], prefix: /^.*sig=/ },
  { provider: 'An Azure AD client secret', regex: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g, needle: ['Q~'], prefix: /^.{5}~/ },
  { provider: 'An Alibaba Cloud AccessKey id', regex: /\bLTAI[A-Za-z0-9]{12,20}\b/g, needle: ['LTAI'], prefix: /^LTAI/ },
  { provider: 'A Tencent Cloud SecretId', regex: /\bAKID[A-Za-z0-9]{32}\b/g, needle: ['AKID'], prefix: /^AKID/ },
  { provider: 'A DigitalOcean token', regex: /\bdo[opr]_v1_[a-f0-9]{64}\b/g, needle: ['dop_v1_', 'doo_v1_', 'dor_v1_'], prefix: /^do[opr]_v1_/ },
  { provider: 'A Databricks token', regex: /\bdapi[a-f0-9]{32}(?:-\d)?\b/g, needle: ['dapi'], prefix: /^dapi/ },
  { provider: 'A Fly.io token', regex: /\bfo1_[A-Za-z0-9_-]{43}\b/g, needle: ['fo1_'], prefix: /^fo1_/ },
  { provider: 'A Fly.io macaroon token', regex: /\bFlyV1 fm\d_[A-Za-z0-9+/=_-]{100,}/g, needle: ['FlyV1 fm'], prefix: /^FlyV1 fm\d_/ },
  { provider: 'A Pulumi access token', regex: /\bpul-[a-f0-9]{40}\b/g, needle: ['pul-'], prefix: /^pul-/ },
  { provider: 'A Terraform Cloud token', regex: /\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}\b/g, needle: ['.atlasv1.'], prefix: /^[A-Za-z0-9]{14}\.atlasv1\./ },
  { provider: 'A HashiCorp Vault token', regex: /\bhv[sbr]\.[A-Za-z0-9_-]{90,}/g, needle: ['hvs.', 'hvb.', 'hvr.'], prefix: /^hv\w\./ },
  { provider: 'A Supabase access token', regex: /\bsbp_[a-f0-9]{40}\b/g, needle: ['sbp_'], prefix: /^sbp_/ },
  { provider: 'A Supabase secret key', regex: /\bsb_secret_[A-Za-z0-9_-]{30,}/g, needle: ['sb_secret_'], prefix: /^sb_secret_/ },
  { provider: 'A Heroku API key', regex: /\bHRKU-[A-Za-z0-9_-]{40,80}\b/g, needle: ['HRKU-'], prefix: /^HRKU-/ },
  { provider: 'A Netlify access token', regex: /\bnfp_[A-Za-z0-9]{36}\b/g, needle: ['nfp_'], prefix: /^nfp_/ },
  { provider: 'A Render API key', regex: /\brnd_[A-Za-z0-9]{32}\b/g, needle: ['rnd_'], prefix: /^rnd_/ },
  { provider: 'A Cloudflare Origin CA key', regex: /\bv1\.0-[a-f0-9]{24}-[a-f0-9]{146}\b/g, needle: ['v1.0-'], prefix: /^v1\.0-/ },
  { provider: 'A PlanetScale token', regex: /\bpscale_(?:tkn|oauth|pw)_[A-Za-z0-9_.-]{32,64}\b/g, needle: ['pscale_'], prefix: /^pscale_\w+?_/ },
  { provider: 'A Neon API key', regex: /\bnapi_[a-z0-9]{64}\b/g, needle: ['napi_'], prefix: /^napi_/ },
  { provider: 'A Scalingo API token', regex: /\btk-us-[A-Za-z0-9_-]{48}\b/g, needle: ['tk-us-'], prefix: /^tk-us-/ },
  { provider: 'An Infracost API key', regex: /\bico-[A-Za-z0-9]{32}\b/g, needle: ['ico-'], prefix: /^ico-/ },
  { provider: 'A Dynatrace API token', regex: /\bdt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b/g, needle: ['dt0c01.'], prefix: /^dt0c01\.[A-Z0-9]+\./ },
  { provider: 'A Doppler token', regex: /\bdp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_-]{2,35}\.)?[A-Za-z0-9]{40,}\b/g, needle: ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.', 'dp.scim.', 'dp.audit.'], prefix: /^dp\.\w+\.(?:[a-z0-9_-]+\.)?/ },
  { provider: 'A 1Password service account token', regex: /\bops_eyJ[A-Za-z0-9+/=_-]{200,}/g, needle: ['ops_eyJ'], prefix: /^ops_/ },
  { provider: 'An Infisical token', regex: /\bst\.[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}\.[a-f0-9]{32}\.[a-f0-9]{32}\b/g, needle: ['st.'], prefix: /^st\.[a-f0-9-]+\./ },
  // Source control, CI and package registries
  { provider: 'A GitHub token', regex: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b/g, needle: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], prefix: /^gh[pousr]_/ },
  { provider: 'A GitHub token', regex: /\bgithub_pat_[A-Za-z0-9_]{50,}/g, needle: ['github_pat_'], prefix: /^github_pat_/ },
  { provider: 'A GitLab token', regex: /\b(?:glpat|gldt|glrt|glcbt|glptt|gloas|glsoat|glffct|glimt|glagent|glft)-[A-Za-z0-9_-]{20,}/g, needle: ['glpat-', 'gldt-', 'glrt-', 'glcbt-', 'glptt-', 'gloas-', 'glsoat-', 'glffct-', 'glimt-', 'glagent-', 'glft-'], prefix: /^gl\w+-/ },
  { provider: 'A GitLab runner registration token', regex: /\bGR1348941[A-Za-z0-9_-]{20,}\b/g, needle: ['GR1348941'], prefix: /^GR1348941/ },
  { provider: 'A Bitbucket app password', regex: /\bATBB[A-Za-z0-9_=.-]{32,}\b/g, needle: ['ATBB'], prefix: /^ATBB/ },
  { provider: 'An Atlassian API token', regex: /\bATATT3[A-Za-z0-9_=-]{150,}/g, needle: ['ATATT3'], prefix: /^ATATT3/ },
  { provider: 'An Atlassian Connect token', regex: /\bATCTT3[A-Za-z0-9_=-]{150,}/g, needle: ['ATCTT3'], prefix: /^ATCTT3/ },
  { provider: 'An npm access token', regex: /\bnpm_[A-Za-z0-9]{36}\b/g, needle: ['npm_'], prefix: /^npm_/ },
  { provider: 'A PyPI upload token', regex: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g, needle: ['pypi-AgEIcHlwaS5vcmc'], prefix: /^pypi-AgEIcHlwaS5vcmc/ },
  { provider: 'A NuGet API key', regex: /\boy2[a-z0-9]{43}\b/g, needle: ['oy2'], prefix: /^oy2/ },
  { provider: 'A RubyGems API key', regex: /\brubygems_[a-f0-9]{48}\b/g, needle: ['rubygems_'], prefix: /^rubygems_/ },
  { provider: 'A Docker Hub access token', regex: /\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{27,}/g, needle: ['dckr_pat_', 'dckr_oat_'], prefix: /^dckr_\w+?_/ },
  { provider: 'A JFrog Artifactory API key', regex: /\bAKCp[A-Za-z0-9]{69}\b/g, needle: ['AKCp'], prefix: /^AKCp/ },
  { provider: 'A JFrog reference token', regex: /\bcmVmdGtuOjAx[A-Za-z0-9]{40,}/g, needle: ['cmVmdGtuOjAx'], prefix: /^cmVmdGtuOjAx/ },
  { provider: 'A SonarQube token', regex: /\bsq[upa]_[a-f0-9]{40}\b/g, needle: ['squ_', 'sqp_', 'sqa_'], prefix: /^sq\w_/ },
  { provider: 'A CircleCI personal token', regex: /\bCCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}\b/g, needle: ['CCIPAT_'], prefix: /^CCIPAT_/ },
  { provider: 'A Buildkite token', regex: /\bbkua_[a-f0-9]{40}\b/g, needle: ['bkua_'], prefix: /^bkua_/ },
  { provider: 'A Sourcegraph access token', regex: /\bsgp_(?:[a-f0-9]{16}_)?[a-f0-9]{40}\b/g, needle: ['sgp_'], prefix: /^sgp_(?:[a-f0-9]{16}_)?/ },
  { provider: 'A Prefect API key', regex: /\bpnu_[A-Za-z0-9]{36}\b/g, needle: ['pnu_'], prefix: /^pnu_/ },
  { provider: 'A Figma token', regex: /\bfigd_[A-Za-z0-9_-]{40,}/g, needle: ['figd_'], prefix: /^figd_/ },
  { provider: 'A Postman API key', regex: /\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/g, needle: ['PMAK-'], prefix: /^PMAK-/ },
  { provider: 'A Linear API key', regex: /\blin_api_[A-Za-z0-9]{40}\b/g, needle: ['lin_api_'], prefix: /^lin_api_/ },
  { provider: 'An Asana access token', regex: /\b[12]\/\d{16}\/\d{16}:[a-f0-9]{32}\b/g, needle: ['1/', '2/'], prefix: /^.*:/ },
  { provider: 'A Notion integration token', regex: /\b(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{46})\b/g, needle: ['secret_', 'ntn_'], prefix: /^(?:secret|ntn)_/ },
  { provider: 'An Airtable access token', regex: /\bpat[A-Za-z0-9]{14}\.[a-f0-9]{64}\b/g, needle: ['pat'], prefix: /^pat[A-Za-z0-9]+\./ },
  { provider: 'A Contentful management token', regex: /\bCFPAT-[A-Za-z0-9_-]{43}\b/g, needle: ['CFPAT-'], prefix: /^CFPAT-/ },
  { provider: 'A Typeform token', regex: /\btfp_[A-Za-z0-9_-]{44,}/g, needle: ['tfp_'], prefix: /^tfp_/ },
  { provider: 'A HubSpot private app token', regex: /\bpat-(?:na1|eu1|ap1)-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}\b/g, needle: ['pat-na1-', 'pat-eu1-', 'pat-ap1-'], prefix: /^pat-\w+-/ },
  { provider: 'A Dropbox access token', regex: /\bsl\.[A-Za-z0-9_-]{130,}/g, needle: ['sl.'], prefix: /^sl\./ },
  // Payments and commerce
  { provider: 'A Stripe live secret key', regex: /\b[sr]k_live_[0-9A-Za-z]{20,}/g, needle: ['sk_live_', 'rk_live_'], prefix: /^[sr]k_live_/ },
  { provider: 'A Stripe test-mode secret key', regex: /\b[sr]k_test_[0-9A-Za-z]{20,}/g, needle: ['sk_test_', 'rk_test_'], prefix: /^[sr]k_test_/, severity: 'medium' },
  { provider: 'A Stripe webhook signing secret', regex: /\bwhsec_[A-Za-z0-9+/=]{32,}/g, needle: ['whsec_'], prefix: /^whsec_/ },
  { provider: 'A Braintree production access token', regex: /\baccess_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}\b/g, needle: ['access_token$production$'], prefix: /^access_token\$production\$/ },
  { provider: 'A Square access token', regex: /\b(?:sq0atp-[0-9A-Za-z_-]{22}|sq0csp-[0-9A-Za-z_-]{43}|EAAA[0-9A-Za-z_-]{60})\b/g, needle: ['sq0atp-', 'sq0csp-', 'EAAA'], prefix: /^(?:sq0(?:atp|csp)-|EAAA)/ },
  { provider: 'A Shopify access token', regex: /\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b/g, needle: ['shpat_', 'shpss_', 'shpca_', 'shppa_'], prefix: /^shp(?:at|ss|ca|pa)_/ },
  { provider: 'A Plaid access token', regex: /\baccess-(?:production|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, needle: ['access-production-', 'access-development-'], prefix: /^access-\w+-/ },
  { provider: 'A Flutterwave secret key', regex: /\bFLWSECK(?:_TEST)?-[a-f0-9]{32}-X\b/g, needle: ['FLWSECK'], prefix: /^FLWSECK(?:_TEST)?-/ },
  { provider: 'A Duffel API token', regex: /\bduffel_live_[A-Za-z0-9_=-]{43}\b/g, needle: ['duffel_live_'], prefix: /^duffel_live_/ },
  { provider: 'A Shippo API token', regex: /\bshippo_live_[a-f0-9]{40}\b/g, needle: ['shippo_live_'], prefix: /^shippo_live_/ },
  { provider: 'An EasyPost API key', regex: /\bEZAK[a-f0-9]{54}\b/g, needle: ['EZAK'], prefix: /^EZAK/ },
  // Messaging, email and telephony
  { provider: 'A Slack configuration token', regex: /\bxoxe\.xox[bp]-\d-[A-Za-z0-9]{100,}/g, needle: ['xoxe.xox'], prefix: /^xoxe\.xox\w-\d-/ },
  { provider: 'A Slack token', regex: /\bxox[baprse]-(?:\d+-)+[0-9A-Za-z-]{10,}/g, needle: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-', 'xoxe-'], prefix: /^xox\w-/ },
  { provider: 'A Slack app-level token', regex: /\bxapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{64}\b/g, needle: ['xapp-'], prefix: /^xapp-\d-[A-Z0-9]+-\d+-/ },
  { provider: 'A Slack incoming webhook URL', regex: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/T[A-Z0-9]{8,}\/[AB][A-Z0-9]{8,}\/[A-Za-z0-9]{24}/g, needle: ['hooks.slack.com/'], prefix: /^https:\/\/hooks\.slack\.com\/\w+\/T[A-Z0-9]+\/[AB][A-Z0-9]+\// },
  { provider: 'A Microsoft Teams webhook URL', regex: /https:\/\/[\w-]+\.webhook\.office\.com\/webhookb2\/[0-9a-f-]{36}@[0-9a-f-]{36}\/IncomingWebhook\/[0-9a-f]{32}\/[0-9a-f-]{36}/g, needle: ['.webhook.office.com/'], prefix: /^.*IncomingWebhook\// },
  { provider: 'A Discord webhook URL', regex: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,68}/g, needle: ['/api/webhooks/'], prefix: /^https:\/\/[^/]+\/api\/webhooks\/\d+\// },
  { provider: 'A Twilio API key', regex: /\bSK[0-9a-fA-F]{32}\b/g, needle: ['SK'], prefix: /^SK/, minEntropy: 3.2 },
  { provider: 'A SendGrid API key', regex: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, needle: ['SG.'], prefix: /^SG\./ },
  { provider: 'A Mailchimp API key', regex: /\b[0-9a-f]{32}-us\d{1,2}\b/g, needle: ['-us'], prefix: /-us\d+$/ },
  { provider: 'A Mailchimp Transactional (Mandrill) key', regex: /\bmd-[A-Za-z0-9_-]{22}\b/g, needle: ['md-'], validate: (m) => /[A-Z]/.test(m) && /[a-z]/.test(m) && /\d/.test(m) && shannonEntropy(m.slice(3)) >= 3.8 },
  { provider: 'A Brevo (Sendinblue) API key', regex: /\bx(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}\b/g, needle: ['xkeysib-', 'xsmtpsib-'], prefix: /^x\w+sib-/ },
  { provider: 'A Resend API key', regex: /\bre_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}\b/g, needle: ['re_'], prefix: /^re_/ },
  { provider: 'A Mailgun API key', regex: /\bkey-[0-9a-f]{32}\b/g, needle: ['key-'], prefix: /^key-/ },
  { provider: 'A Telegram bot token', regex: /\b\d{8,10}:AA[0-9A-Za-z_-]{33}\b/g, needle: [':AA'], prefix: /^\d+:AA/ },
  { provider: 'A Facebook access token', regex: /\bEAA[A-Za-z0-9]{90,}/g, needle: ['EAA'], prefix: /^EAA/ },
  { provider: 'A Twitter/X bearer token', regex: /\bA{20,22}[A-Za-z0-9%]{30,}/g, needle: ['AAAAAAAAAAAAAAAAAAAA'], prefix: /^A+/ },
  { provider: 'A Firebase Cloud Messaging server key', regex: /\bAAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}/g, needle: [':APA91b'], prefix: /^AAAA[A-Za-z0-9_-]{7}:APA91b/ },
  // Observability and developer tools
  { provider: 'A Sentry auth token', regex: /\bsntry[su]_[A-Za-z0-9+/=_-]{50,}/g, needle: ['sntrys_', 'sntryu_'], prefix: /^sntry[su]_/ },
  { provider: 'A New Relic API key', regex: /\bNR(?:AK|II|RA)-[A-Za-z0-9]{27,}\b/g, needle: ['NRAK-', 'NRII-', 'NRRA-'], prefix: /^NR\w\w-/ },
  { provider: 'A New Relic license key', regex: /\b[a-f0-9]{36}NRAL\b/g, needle: ['NRAL'], prefix: /NRAL$/ },
  { provider: 'A Grafana token', regex: /\b(?:glc_[A-Za-z0-9+/]{32,}={0,2}|glsa_[A-Za-z0-9]{32}_[a-f0-9]{8})/g, needle: ['glc_', 'glsa_'], prefix: /^gl(?:c|sa)_/ },
  { provider: 'A Mapbox secret token', regex: /\bsk\.eyJ[A-Za-z0-9_-]{30,}\.[A-Za-z0-9_-]{20,}/g, needle: ['sk.eyJ'], prefix: /^sk\.eyJ[A-Za-z0-9_-]+\./ },
  // Keys
  { provider: 'An age secret key', regex: /\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b/g, needle: ['AGE-SECRET-KEY-1'], prefix: /^AGE-SECRET-KEY-1/ },
  { provider: 'A PuTTY private key', regex: /PuTTY-User-Key-File-\d: [\w-]+\s+Encryption: [\w-]+(?:[\s\S]{0,400}?)Private-Lines: \d+\s+[A-Za-z0-9+/=\s]{40,}/g, needle: ['PuTTY-User-Key-File-'], validate: () => true, multiline: true },
  { provider: 'A private key', regex: pem('RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |ED25519 |SSH2 ENCRYPTED |'), needle: ['PRIVATE KEY'], validate: isRealPrivateKey, multiline: true },
  { provider: 'A JSON Web Token', regex: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}/g, needle: ['eyJ'], validate: isRealJwt },
];

/**
 * Formats that are only hex or base62 on their own: a match needs the provider's name on the same
 * line (`DATADOG_API_KEY=…`, `cohere.Client("…")`). The value regex is anchored; keywords are
 * lower-case and matched against the lower-cased line.
 */
export interface ContextualFormat {
  provider: string;
  keywords: string[];
  value: RegExp;
  minEntropy?: number;
}

export const CONTEXTUAL_FORMATS: ContextualFormat[] = [
  { provider: 'An AWS secret access key', keywords: ['aws_secret', 'aws-secret', 'secret_access_key', 'secretaccesskey', 'secret-access-key', 'aws_secret_access_key', '--secret-key', 'secret_key'], value: /^[A-Za-z0-9/+]{40}$/, minEntropy: 4.0 },
  { provider: 'A Datadog API key', keywords: ['datadog', 'dd_api_key', 'dd-api-key', 'ddapikey'], value: /^[a-f0-9]{32}$/ },
  { provider: 'A Datadog application key', keywords: ['datadog', 'dd_app_key', 'dd-application-key', 'app_key'], value: /^[a-f0-9]{40}$/ },
  { provider: 'A Twilio auth token', keywords: ['twilio'], value: /^[a-f0-9]{32}$/ },
  { provider: 'An Algolia admin API key', keywords: ['algolia'], value: /^[a-f0-9]{32}$/ },
  { provider: 'A Cohere API key', keywords: ['cohere', 'co_api_key'], value: /^[A-Za-z0-9]{40}$/ },
  { provider: 'A Mistral API key', keywords: ['mistral'], value: /^[A-Za-z0-9]{32}$/ },
  { provider: 'An Azure OpenAI key', keywords: ['azure_openai', 'azure-openai', 'azureopenai', 'openai.azure.com'], value: /^[a-f0-9]{32}$|^[A-Za-z0-9]{84}$/ },
  { provider: 'A Heroku API key', keywords: ['heroku'], value: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ },
  { provider: 'A Postmark server token', keywords: ['postmark'], value: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ },
  { provider: 'A PagerDuty API key', keywords: ['pagerduty', 'pager_duty'], value: /^(?:u\+)?[A-Za-z0-9_+-]{18,20}$/, minEntropy: 3.2 },
  { provider: 'An Okta API token', keywords: ['okta'], value: /^00[A-Za-z0-9_-]{40}$/ },
  { provider: 'An Auth0 client secret', keywords: ['auth0'], value: /^[A-Za-z0-9_-]{64}$/ },
  { provider: 'A Cloudflare API token', keywords: ['cloudflare', 'cf_api_token', 'cf_api_key'], value: /^[A-Za-z0-9_-]{40}$|^[a-f0-9]{37}$/ },
  { provider: 'A Fastly API token', keywords: ['fastly'], value: /^[A-Za-z0-9_-]{32}$/ },
  { provider: 'A Vercel token', keywords: ['vercel'], value: /^[A-Za-z0-9]{24}$/ },
  { provider: 'A Plaid secret', keywords: ['plaid'], value: /^[a-f0-9]{30}$/ },
  { provider: 'A PayPal client secret', keywords: ['paypal'], value: /^[A-Za-z0-9_-]{80}$/ },
  { provider: 'An Adyen API key', keywords: ['adyen'], value: /^AQE[A-Za-z0-9+/=_-]{60,}$/ },
  { provider: 'A Coinbase API secret', keywords: ['coinbase'], value: /^[A-Za-z0-9+/=_-]{32,88}$/ },
  { provider: 'A Twitch client secret', keywords: ['twitch'], value: /^[a-z0-9]{30}$/ },
  { provider: 'A LinkedIn client secret', keywords: ['linkedin'], value: /^[A-Za-z0-9]{16}$/ },
  { provider: 'A Facebook app secret', keywords: ['facebook', 'fb_app_secret', 'fb_secret'], value: /^[a-f0-9]{32}$/ },
  { provider: 'A Twitter/X API secret', keywords: ['twitter', 'consumer_secret'], value: /^[A-Za-z0-9]{45,50}$/ },
  { provider: 'A Mailgun API key', keywords: ['mailgun'], value: /^[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}$/ },
  { provider: 'A Honeycomb API key', keywords: ['honeycomb'], value: /^[A-Za-z0-9]{22,32}$/ },
  { provider: 'A Rollbar access token', keywords: ['rollbar'], value: /^[a-f0-9]{32}$/ },
  { provider: 'A Bugsnag API key', keywords: ['bugsnag'], value: /^[a-f0-9]{32}$/ },
  { provider: 'A Splunk HEC token', keywords: ['splunk', 'hec_token'], value: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ },
  { provider: 'A Snyk API token', keywords: ['snyk'], value: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ },
  { provider: 'A Codecov upload token', keywords: ['codecov'], value: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ },
  { provider: 'An IBM Cloud API key', keywords: ['ibm', 'bluemix', 'ibmcloud'], value: /^[A-Za-z0-9_-]{44}$/ },
  { provider: 'A Zendesk API token', keywords: ['zendesk'], value: /^[A-Za-z0-9]{40}$/ },
  { provider: 'An Intercom access token', keywords: ['intercom'], value: /^[A-Za-z0-9=_-]{59,60}$/ },
  { provider: 'An Azure DevOps token', keywords: ['azure_devops', 'azure-devops', 'azdo', 'ado_pat', 'system_accesstoken'], value: /^[a-z2-7]{52}$|^[A-Za-z0-9]{84}$/ },
  { provider: 'A Deepgram API key', keywords: ['deepgram'], value: /^[a-f0-9]{40}$/ },
  { provider: 'An AssemblyAI API key', keywords: ['assemblyai', 'assembly_ai'], value: /^[a-f0-9]{32}$/ },
  { provider: 'A Google Gemini API key', keywords: ['gemini'], value: /^AIza[0-9A-Za-z_-]{35}$/ },
  { provider: 'A Discord bot token', keywords: ['discord', 'bot_token'], value: /^[MNO][A-Za-z\d_-]{23,27}\.[\w-]{6}\.[\w-]{27,40}$/ },
  { provider: 'A HashiCorp Vault token', keywords: ['vault'], value: /^s\.[A-Za-z0-9]{24}$/ },
  { provider: 'A Railway token', keywords: ['railway'], value: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ },
  { provider: 'A Scaleway secret key', keywords: ['scaleway', 'scw_secret'], value: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ },
  { provider: 'A Clerk secret key', keywords: ['clerk'], value: /^sk_(?:live|test)_[A-Za-z0-9]{40,}$/ },
];

/** Every needle of every format, for `files.ofKind(kind, { containing })`. */
export const SECRET_FORMAT_NEEDLES = [...new Set(SECRET_FORMATS.flatMap((f) => f.needle))];
/** One pattern matching any format: a quick test before trying each. */
export const ANY_SECRET_FORMAT = new RegExp(SECRET_FORMATS.map((f) => f.regex.source).join('|'));
/** Keywords of the contextual formats (lower-case), for line pre-filters. */
export const CONTEXTUAL_KEYWORDS = [...new Set(CONTEXTUAL_FORMATS.flatMap((f) => f.keywords))];

/**
 * Whether a match of a known format is a working key rather than a documentation sample or a
 * placeholder: no `EXAMPLE`/`xxxxxx`/`your…here`/`dummy`, and a random-looking body.
 */
export function isUsableSecret(match: string, format: SecretFormat): boolean {
  if (format.validate) return format.validate(match);
  const body = format.prefix ? match.replace(format.prefix, '') : match;
  if (/EXAMPLE|x{6,}|X{6,}|0{8,}|your|here|dummy|fake|sample|(?:^|[_-])test(?:[_-]|$)/i.test(body)) return false;
  if (/(.)\1{7,}/.test(body) || /(?:0123456789|abcdefghij|ABCDEFGHIJ)/.test(body)) return false;
  return shannonEntropy(body) >= (format.minEntropy ?? 3.0);
}

export interface ProviderMatch {
  format: SecretFormat;
  value: string;
  /** Offset in the scanned text. */
  index: number;
}

const NEEDLES = new NeedleMatcher(SECRET_FORMAT_NEEDLES);
const FORMATS_BY_NEEDLE = SECRET_FORMAT_NEEDLES.map((needle) => SECRET_FORMATS.filter((f) => f.needle.includes(needle)));

/** Whether a text contains any provider prefix (one pass): the cheap test before `findProviderSecrets`. */
export function hasProviderNeedle(text: string): boolean {
  return NEEDLES.any(text);
}

/** How far past its needle's line a multi-line format may reach (a 4096-bit PEM block is about 3.3 KB). */
const MULTILINE_REACH = 16_384;

/**
 * Every usable known-format secret in a text, once per offset (the first format that claims it
 * wins). One pass finds the needles; each format's pattern then runs only on the lines where one
 * of its needles occurs, so a file with no prefix costs one pass and a file with a common prefix
 * (`sk-`, `-us`) a few short lines.
 */
export function findProviderSecrets(text: string): ProviderMatch[] {
  const hits = NEEDLES.matches(text);
  if (!hits.length) return [];
  // Format → start offsets of the lines its needles occur on.
  const lineStarts = new Map<SecretFormat, Set<number>>();
  for (const { needle, end } of hits) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    for (const format of FORMATS_BY_NEEDLE[needle]) {
      const set = lineStarts.get(format) ?? new Set<number>();
      set.add(start);
      lineStarts.set(format, set);
    }
  }
  const out: ProviderMatch[] = [];
  const taken: [number, number][] = [];
  for (const format of SECRET_FORMATS) {
    const starts = lineStarts.get(format);
    if (!starts) continue;
    let reachedUntil = -1;
    for (const start of [...starts].sort((a, b) => a - b)) {
      if (start < reachedUntil) continue;
      const lineEnd = text.indexOf('\n', start);
      const end = format.multiline ? Math.min(text.length, start + MULTILINE_REACH) : lineEnd < 0 ? text.length : lineEnd;
      reachedUntil = end;
      const chunk = text.slice(start, end);
      format.regex.lastIndex = 0;
      for (const m of chunk.matchAll(format.regex)) {
        const index = start + (m.index ?? 0);
        const matchEnd = index + m[0].length;
        if (taken.some(([a, b]) => index < b && a < matchEnd)) continue;
        if (!isUsableSecret(m[0], format)) continue;
        taken.push([index, matchEnd]);
        out.push({ format, value: m[0], index });
      }
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * The name to give a known-format match: a keyword-context format is more specific when its
 * provider is named next to the value (`GEMINI_API_KEY = "AIza…"`, `CLERK_SECRET_KEY = "sk_live_…"`).
 */
export function refineProvider(value: string, provider: string, context: string): string {
  return contextualProvider(value, context.toLowerCase())?.provider ?? provider;
}

/** The contextual format a secret-shaped value matches, given the (lower-cased) text around it. */
export function contextualProvider(value: string, context: string): ContextualFormat | undefined {
  for (const format of CONTEXTUAL_FORMATS) {
    if (!format.value.test(value) || !format.keywords.some((k) => context.includes(k))) continue;
    if (shannonEntropy(value) < (format.minEntropy ?? 3.0)) continue;
    return format;
  }
  return undefined;
}
