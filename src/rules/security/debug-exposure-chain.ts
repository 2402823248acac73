import { handWrittenSources } from '../../facts/code-structure.ts';
import { compoundSeverity, findingsOf, linkOf, numberLinks } from '../../facts/compound-findings.ts';
import { deploymentUnits, unitOf, type DeployUnit } from '../../facts/deployment-units.ts';
import type { Finding, Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { findPyCalls, pyStringValue } from '../../parse/python-syntax.ts';

/** Where a unit's code takes the framework's debug flag from the environment. */
interface DebugFromEnv {
  at: Location;
  /** The variables it reads (`DEBUG`, `APP_DEBUG`), upper case; empty when it reads a settings field named `debug`. */
  keys: string[];
}

const ENV_READ = /(getenv|environ\.get|environ\[|env\.bool|env\.str|env|config|decouple\.config|os\.environ\.get)\s*\(?\s*\[?\s*["']([A-Z_]*DEBUG)["']/g;
/** `FastAPI(debug=…)`, `Starlette(debug=…)`, `app.run(debug=…)`, `uvicorn.run(…, debug=…)`. */
const DEBUG_CONSUMER = /(^|\.)(FastAPI|Starlette|run)$/;

export default defineRule({
  meta: {
    id: 'debug-exposure-chain',
    category: 'security',
    title: 'Debug mode on a reachable service with open admin routes',
    severity: 'critical',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Debug & Error Exposure',
    effortHours: 2,
    requires: ['debug-mode-enabled', 'route-missing-auth', 'env-file-tracked'],
    messages: {
      debugExposed:
        'Debug mode is on for `{{unit}}` ({{debug}}), the service is reachable on every network interface ({{exposure}}) and {{admins}} no authentication: any visitor can drive the admin routes and read the debug pages\' stack traces, settings and source{{console}}.',
    },
    why: [
      'Each link is a finding on its own; together they are one open door. The service is reachable from outside, its admin routes answer anyone, and debug mode turns every error there into a page with the stack trace, local variables, configuration (database URLs, keys) and source lines — exactly what an attacker needs next. With Flask\'s Werkzeug debugger the error page is also a Python console on the server.',
      '',
      'The links must belong to one service: the debug setting applies to the app that serves the admin routes (in its code, its compose `environment:`, or an env file the service loads and whose `DEBUG` the code reads), and that service publishes its port on every interface (compose `ports: "8000:8000"`) or binds `0.0.0.0` itself. Reported as one finding made of the debug, env-file and admin-route findings (scored once, through this finding).',
    ].join('\n'),
    fix: [
      'Break every link, starting with the cheapest:',
      '1. Turn debug off where the service is deployed: default it to off in code, remove `DEBUG=true` from committed env files and production compose files, and untrack the `.env` (`git rm --cached .env`).',
      '2. Require authentication and an admin role on the admin routes (router-level, so new ones are covered).',
      '3. Publish only what must be public: bind internal ports to `127.0.0.1` in compose and put the app behind a reverse proxy.',
      '',
      '```python',
      'app = FastAPI(debug=settings.debug)            # settings.debug: bool = False, true only in local .env',
      'admin = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])',
      '```',
      '```yaml',
      'services:',
      '  api:',
      '    ports: ["127.0.0.1:8000:8000"]   # the proxy publishes 443',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'from flask import Flask, jsonify',
          '',
          'app = Flask(__name__)',
          '',
          '',
          '@app.post("/admin/reset")',
          'def reset_all():',
          '    return jsonify(ok=True)',
          '',
          '',
          'if __name__ == "__main__":',
          '    app.run(host="0.0.0.0", port=5000, debug=True)',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'import os',
          '',
          'from flask import Flask, jsonify',
          '',
          'app = Flask(__name__)',
          '',
          '',
          '@app.post("/admin/reset")',
          'def reset_all():',
          '    return jsonify(ok=True)',
          '',
          '',
          'if __name__ == "__main__":',
          '    app.run(host="127.0.0.1", port=5000, debug=os.environ.get("FLASK_DEBUG") == "1")',
          '',
        ].join('\n'),
      },
    },
    references: { cwe: [489, 215, 306], owasp: ['A05:2021', 'A01:2021', 'API8:2023'] },
  },
  check({ files, findings, report }) {
    const units = deploymentUnits(files);
    const admins = findingsOf(findings, 'route-missing-auth', ['adminUnguarded']);
    const trackedEnv = findingsOf(findings, 'env-file-tracked');
    const applied = new Map<DeployUnit, DebugFromEnv[]>();
    const appliedIn = (unit: DeployUnit) => {
      let list = applied.get(unit);
      if (!list) applied.set(unit, (list = debugReadFromEnv(files, units, unit)));
      return list;
    };
    const reported = new Set<DeployUnit>();

    for (const debug of findingsOf(findings, 'debug-mode-enabled', ['debugInCode', 'djangoDebug', 'debugInEnv', 'debugInCompose'])) {
      for (const { unit, reads } of unitsTurnedOn(debug, units, files, appliedIn)) {
        if (reported.has(unit) || !unit.exposures.length) continue;
        const open = admins.filter((a) => unitOf(units, a.location.file) === unit);
        if (!open.length) continue;
        reported.add(unit);
        const env = debug.messageId === 'debugInEnv' ? trackedEnv.filter((e) => e.location.file === debug.location.file) : [];
        const parts = [debug, ...env, ...open];
        const flask = /Flask|development-server/.test(debug.data.framework ?? '') || /FLASK_DEBUG/.test(debug.data.key ?? '');
        const adminRoutes = open.map((a) => `\`${a.data.method} ${a.data.path}\``);
        report({
          messageId: 'debugExposed',
          at: debug.location,
          data: {
            unit: unit.name === '(repository)' ? 'the application' : unit.name,
            debug: describeDebug(debug),
            exposure: `\`${unit.exposures[0].file}:${unit.exposures[0].startLine}\`${unit.exposures.length > 1 ? ` and ${unit.exposures.length - 1} more` : ''}`,
            admins: `${open.length} admin route${open.length === 1 ? '' : 's'} (${adminRoutes.slice(0, 3).join(', ')}${open.length > 3 ? ` and ${open.length - 3} more` : ''}) ${open.length === 1 ? 'needs' : 'need'}`,
            console: flask ? ', and the Werkzeug debugger\'s console runs Python on the server' : '',
          },
          related: numberLinks([
            ...env.map((e) => linkOf(e, 'the env file is committed to git')),
            linkOf(debug, 'debug mode is turned on here'),
            ...reads.map((r) => r.at),
            ...unit.exposures.slice(0, 2),
            ...open.slice(0, 5).map((a) => linkOf(a, `admin route \`${a.data.method} ${a.data.path}\` without authentication`)),
          ]),
          parts,
          severity: compoundSeverity('critical', parts),
        });
      }
    }
  },
});

function describeDebug(debug: Finding): string {
  switch (debug.messageId) {
    case 'debugInEnv':
      return `\`${debug.data.key}=${debug.data.value}\` in \`${debug.data.file}\``;
    case 'debugInCompose':
      return `\`${debug.data.key}: ${debug.data.value}\` in compose service \`${debug.data.service}\``;
    case 'djangoDebug':
      return `\`DEBUG = True\` in \`${debug.data.file}\``;
    default:
      return `\`${(debug.data.code ?? '').replace(/`/g, "'")}\``;
  }
}

/**
 * The units a debug finding turns debug on for, and the code that applies it: code and Django
 * settings apply where they are; an env or compose setting only when the unit's code reads that
 * variable into the framework's debug flag (and, for an env file, the unit loads that file).
 */
function unitsTurnedOn(debug: Finding, units: DeployUnit[], files: ParsedFiles, appliedIn: (u: DeployUnit) => DebugFromEnv[]): { unit: DeployUnit; reads: DebugFromEnv[] }[] {
  const file = debug.location.file;
  if (debug.messageId === 'debugInCode' || debug.messageId === 'djangoDebug') return [{ unit: unitOf(units, file), reads: [] }];
  const key = (debug.data.key ?? '').toUpperCase();
  const reading = (unit: DeployUnit) => appliedIn(unit).filter((r) => !r.keys.length || r.keys.includes(key));
  if (debug.messageId === 'debugInCompose') {
    const unit = units.find((u) => u.compose?.file === file && u.compose.service === debug.data.service);
    const reads = unit ? reading(unit) : [];
    return unit && reads.length ? [{ unit, reads }] : [];
  }
  // debugInEnv: a dotenv file a compose service lists in env_file, or one the unit's code loads from its folder; or an ENV in its Dockerfile.
  const out: { unit: DeployUnit; reads: DebugFromEnv[] }[] = [];
  for (const unit of units) {
    const listed = unit.envFiles.includes(file);
    const dockerfile = /(^|\/)dockerfile[^/]*$/i.test(file) && unitOf(units, file) === unit;
    const loaded = file === `${unit.dir}.env` && loadsDotenv(files, units, unit);
    if (!listed && !dockerfile && !loaded) continue;
    const reads = reading(unit);
    if (reads.length) out.push({ unit, reads });
  }
  return out;
}

/** The unit's code loads the `.env` of its folder (pydantic `env_file`, `load_dotenv()`, django-environ, decouple, dotenv). */
function loadsDotenv(files: ParsedFiles, units: DeployUnit[], unit: DeployUnit): boolean {
  return unitSources(files, units, unit).some((f) => /env_file\s*=\s*["'][^"']*\.env["']|load_dotenv\(|read_env\(|from\s+decouple\s+import|Config\(\s*["']\.env["']\)|dotenv\/config|dotenv\.config\(/.test(f.text));
}

function unitSources(files: ParsedFiles, units: DeployUnit[], unit: DeployUnit): ParsedFile[] {
  return handWrittenSources(files).filter((f) => unitOf(units, f.path) === unit);
}

/**
 * Where the unit's Python code sets the framework's debug flag from the environment: `debug=` of
 * `FastAPI(…)` / `app.run(…)` given a settings field or an env read, `app.debug = …`,
 * `app.config["DEBUG"] = …` or a settings `DEBUG = …` that reads a variable.
 */
function debugReadFromEnv(files: ParsedFiles, units: DeployUnit[], unit: DeployUnit): DebugFromEnv[] {
  const out: DebugFromEnv[] = [];
  const sources = unitSources(files, units, unit).filter((f) => f.kind === 'python' && /debug/i.test(f.text));
  const settingsFields = sources.some((f) => /class\s+\w+\(\s*(pydantic_settings\.)?BaseSettings\s*\)[\s\S]*?\n\s+debug\s*:/.test(f.text));
  const envKeys = (text: string) => [...text.matchAll(ENV_READ)].map((m) => m[2].toUpperCase());
  for (const file of sources) {
    for (const call of findPyCalls(file.ast, DEBUG_CONSUMER)) {
      const value = call.keywords.get('debug');
      if (!value || value.kind() === 'true' || value.kind() === 'false') continue;
      const keys = envKeys(value.text());
      if (keys.length) out.push({ at: file.locate(call.node, `debug read from the environment (${keys.join(', ')})`), keys });
      else if (settingsFields && /(^|\.)debug$/i.test(value.text())) out.push({ at: file.locate(call.node, `debug taken from the settings field \`${value.text()}\`, which reads \`DEBUG\` from the environment`), keys: ['DEBUG', 'APP_DEBUG'] });
    }
    for (const assign of file.findAll({ kind: 'assignment' })) {
      const left = assign.field('left')?.text().replace(/\s+/g, '') ?? '';
      if (!/(^|\.)debug$|^DEBUG$|\.config\[["'](FLASK_)?DEBUG["']\]$/i.test(left)) continue;
      const right = assign.field('right');
      const keys = envKeys(right?.text() ?? '');
      if (keys.length) out.push({ at: file.locate(assign, `debug read from the environment (${keys.join(', ')})`), keys });
      else if (settingsFields && right && /(^|\.)debug$/i.test(right.text())) out.push({ at: file.locate(assign, `debug taken from the settings field \`${right.text()}\``), keys: ['DEBUG', 'APP_DEBUG'] });
    }
    // Flask reads FLASK_DEBUG itself: `app.config.from_prefixed_env()`, or the `flask run` CLI.
    for (const call of findPyCalls(file.ast, /\.config\.from_prefixed_env$/)) out.push({ at: file.locate(call.node, 'Flask reads FLASK_* variables here'), keys: [`${pyStringValue(call.args[0]) ?? 'FLASK'}_DEBUG`] });
  }
  return out;
}
