import { compoundSeverity, findingsOf, linkOf, numberLinks } from '../../facts/compound-findings.ts';
import { deploymentUnits, unitOf, type DeployUnit } from '../../facts/deployment-units.ts';
import type { Location } from '../../model/finding.ts';
import type { ParsedFiles } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { findPyCalls } from '../../parse/python-syntax.ts';

/** `boto3.client("s3")`, `boto3.resource(…)`, `boto3.Session()`, `aioboto3.Session()`, `session.client(…)` on such a session. */
const AWS_CLIENT = /^(boto3|aioboto3|aiobotocore\.session|botocore\.session)\.(client|resource|Session|get_session|session\.Session)$/;
/** Static keys given to the SDK: then the credentials do not come from the instance role. */
const STATIC_KEYS = /aws_access_key_id|AWS_ACCESS_KEY_ID|aws_secret_access_key/;
/** Deployment files that give the workload an AWS role (ECS task role, EKS IRSA, Lambda, Beanstalk, Terraform instance profiles). */
const ROLE_EVIDENCE = /taskRoleArn|task_role_arn|eks\.amazonaws\.com\/role-arn|iam_instance_profile|aws_iam_instance_profile|executionRoleArn|AWS::IAM::Role|role:\s*arn:aws:iam/;

export default defineRule({
  meta: {
    id: 'ssrf-cloud-credentials-chain',
    category: 'security',
    title: 'Server-side request forgery in a service that holds cloud role credentials',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Input Validation',
    effortHours: 3,
    requires: ['server-side-request-forgery'],
    messages: {
      ssrfToCredentials:
        '`{{sink}}` fetches a URL taken from {{source}} in a service that gets its AWS credentials from the environment ({{sdk}}): a request for the instance metadata address (`http://169.254.169.254/latest/meta-data/iam/security-credentials/`) can hand the role\'s keys to the caller{{role}}.',
    },
    why: [
      'SSRF alone lets a caller make your server fetch URLs; this service also creates AWS clients without keys, so its credentials come from the instance or task role — served over plain HTTP from the link-local metadata address that only the server can reach. Fetch that address through the SSRF and the response holds temporary keys with every permission of the role (S3 buckets, queues, databases). This is the path of the 2019 Capital One breach.',
      '',
      'IMDSv2 (a session token obtained with PUT) blocks a GET-only SSRF on EC2, but not every platform enforces it, and ECS task credentials (`169.254.170.2`) need no token. Reported as one finding made of the SSRF finding(s) of the service (scored once, through this finding); not reported when the service is given static keys.',
    ].join('\n'),
    fix: [
      'Fix the SSRF first, then take the credentials out of reach:',
      '1. Allow-list the hosts the feature needs; resolve the name and refuse private, loopback and link-local addresses (169.254.0.0/16, fd00:ec2::254) before connecting, and do not follow redirects.',
      '2. Require IMDSv2 with a hop limit of 1 on EC2 (`HttpTokens=required`), and give the role only the permissions this service needs.',
      '',
      '```python',
      'ALLOWED_HOSTS = {"images.example-cdn.com"}',
      '',
      'def fetch_image(url: str) -> bytes:',
      '    parts = urlsplit(url)',
      '    if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:',
      '        raise HTTPException(status_code=400, detail="host not allowed")',
      '    return httpx.get(url, follow_redirects=False, timeout=5).content',
      '```',
      '```bash',
      'aws ec2 modify-instance-metadata-options --instance-id i-… --http-tokens required --http-put-response-hop-limit 1',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\nrequests==2.32.3\nboto3==1.35.0\n',
        'main.py': [
          'import boto3',
          'import requests',
          'from fastapi import FastAPI',
          '',
          'app = FastAPI()',
          's3 = boto3.client("s3")',
          '',
          '',
          '@app.post("/faces/detect")',
          'def detect(image_url: str):',
          '    image = requests.get(image_url, timeout=10).content',
          '    s3.put_object(Bucket="faces", Key="last.jpg", Body=image)',
          '    return {"bytes": len(image)}',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nrequests==2.32.3\n',
        'main.py': [
          'import requests',
          'from fastapi import FastAPI',
          '',
          'app = FastAPI()',
          '',
          '',
          '@app.post("/faces/detect")',
          'def detect(image_url: str):',
          '    image = requests.get(image_url, timeout=10).content',
          '    return {"bytes": len(image)}',
          '',
        ].join('\n'),
      },
    },
    references: { cwe: [918, 522], owasp: ['A10:2021', 'API7:2023'], urls: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html'] },
  },
  check({ files, findings, report }) {
    const ssrf = findingsOf(findings, 'server-side-request-forgery');
    if (!ssrf.length) return;
    const units = deploymentUnits(files);
    const sdkByUnit = ambientAwsClients(files, units);
    const role = roleEvidence(files);
    const done = new Set<DeployUnit>();
    for (const finding of ssrf) {
      const unit = unitOf(units, finding.location.file);
      const sdk = sdkByUnit.get(unit);
      if (!sdk || done.has(unit)) continue;
      done.add(unit);
      const parts = ssrf.filter((f) => unitOf(units, f.location.file) === unit);
      report({
        messageId: 'ssrfToCredentials',
        at: finding.location,
        data: {
          sink: finding.data.sink ?? 'the request',
          source: finding.data.source ?? 'the request',
          sdk: `\`${sdk.snippet?.split('\n')[0].trim() ?? 'boto3'}\` at \`${sdk.file}:${sdk.startLine}\``,
          role: role ? `; \`${role.file}\` gives the workload an AWS role` : '',
        },
        related: numberLinks([
          ...parts.map((p) => linkOf(p, `fetches a URL the client chooses: ${p.message}`)),
          { ...sdk, note: 'AWS client created without keys: credentials come from the instance or task role' },
          ...(role ? [{ ...role, note: 'the deployment attaches an AWS role to the workload' }] : []),
        ]),
        parts,
        severity: compoundSeverity('high', parts),
        ...(role ? { confidence: 'high' as const } : {}),
      });
    }
  },
});

/** Per unit: the first AWS client it creates without static keys, unless the unit is given static keys anywhere. */
function ambientAwsClients(files: ParsedFiles, units: DeployUnit[]): Map<DeployUnit, Location> {
  const clients = new Map<DeployUnit, Location>();
  const keyed = new Set<DeployUnit>();
  for (const file of files.ofKind('python', { containing: ['boto'], includeTests: false })) {
    const unit = unitOf(units, file.path);
    if (STATIC_KEYS.test(file.text)) keyed.add(unit);
    for (const call of findPyCalls(file.ast, AWS_CLIENT)) {
      if ([...call.keywords.keys()].some((k) => STATIC_KEYS.test(k) || k === 'profile_name')) continue;
      if (!clients.has(unit)) clients.set(unit, file.locate(call.node));
    }
  }
  // Keys in the unit's env files or compose environment also mean static credentials.
  for (const unit of units) {
    const envText = unit.envFiles.map((f) => files.get(f)?.text ?? '').join('\n');
    const compose = unit.compose ? (files.get(unit.compose.file)?.text ?? '') : '';
    if (/^\s*AWS_ACCESS_KEY_ID\s*=/m.test(envText) || (unit.compose && /AWS_ACCESS_KEY_ID/.test(compose))) keyed.add(unit);
  }
  for (const unit of keyed) clients.delete(unit);
  return clients;
}

function roleEvidence(files: ParsedFiles): Location | undefined {
  for (const file of files.all) {
    if (file.isTest || (file.kind !== 'yaml' && file.kind !== 'json' && file.kind !== 'text' && file.kind !== 'toml')) continue;
    const m = ROLE_EVIDENCE.exec(file.text);
    if (m) return file.locateLines(file.position(m.index).line);
  }
  return undefined;
}
