/**
 * Operations facts, computed once per audit and shared by the operations rules and the
 * infrastructure, documentation and strengths assessments: services, deployment, CI/CD,
 * observability, data (migrations and backups) and documentation. Each family is read the first
 * time someone asks for it, so a run of one rule reads only what that rule needs.
 */
import type { ParsedFiles } from '../../model/parsed-file.ts';
import type { RepoIndex } from '../../model/repo-index.ts';
import { readCiPipelines, type CiFacts } from '../ci-pipelines.ts';
import { readDocumentation, type DocumentationFacts } from '../documentation.ts';
import { readData, type DataFacts } from './data.ts';
import { readDeployment, type DeploymentFacts, type PlatformKind } from './deployment.ts';
import { readObservability, type ObservabilityFacts } from './observability.ts';
import { findServices, type ServiceUnit } from './services.ts';
import { sortSignals } from './signals.ts';

export class OperationsFacts {
  private cache = new Map<string, unknown>();

  constructor(
    readonly index: RepoIndex,
    readonly files: ParsedFiles,
  ) {}

  private memo<T>(key: string, compute: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, compute());
    return this.cache.get(key) as T;
  }

  get services(): ServiceUnit[] {
    return this.memo('services', () => findServices(this.index, this.files));
  }

  get ci(): CiFacts {
    return this.memo('ci', () => readCiPipelines(this.files));
  }

  get deployment(): DeploymentFacts {
    return this.memo('deployment', () => {
      const facts = readDeployment(this.files);
      // A CI step that deploys names the platform too (`flyctl deploy`, `gcloud run deploy`).
      for (const step of this.ci.steps) {
        if (!step.kinds.includes('deploy')) continue;
        const kind = platformOfDeployStep(step.text, step.tools.find((t) => t.kind === 'deploy')?.tool ?? '');
        if (kind && !facts.platforms.some((p) => p.kind === kind)) facts.platforms.push({ kind, label: `deploys to ${step.tools.find((t) => t.kind === 'deploy')?.tool} from CI (${step.file}, job \`${step.job}\`)`, at: { ...step.at, note: 'deploy step' } });
      }
      facts.platforms = sortSignals(facts.platforms);
      return facts;
    });
  }

  get observability(): ObservabilityFacts {
    return this.memo('observability', () => readObservability(this.files, this.index.routes, this.index.dependencies));
  }

  get data(): DataFacts {
    return this.memo('data', () => readData(this.files, this.index.dependencies, this.deployment, this.ci));
  }

  get docs(): DocumentationFacts {
    return this.memo('docs', () => readDocumentation(this.files));
  }
}

function platformOfDeployStep(text: string, tool: string): PlatformKind | undefined {
  if (/gcloud\s+(beta\s+)?run|deploy-cloudrun/.test(text)) return 'cloud-run';
  if (/gcloud\s+app|deploy-appengine/.test(text)) return 'app-engine';
  const byTool: Record<string, PlatformKind> = {
    'Fly.io': 'fly',
    Vercel: 'vercel',
    Netlify: 'netlify',
    Railway: 'railway',
    Heroku: 'heroku',
    Azure: 'azure',
    Render: 'render',
    DigitalOcean: 'digitalocean',
    kubectl: 'kubernetes',
    Helm: 'helm',
    Kubernetes: 'kubernetes',
    Kamal: 'kamal',
    'ssh + docker compose': 'compose-production',
  };
  if (byTool[tool]) return byTool[tool];
  if (tool === 'AWS') return /ecs|copilot/.test(text) ? 'ecs' : /eb\s+deploy|beanstalk/.test(text) ? 'elastic-beanstalk' : 'serverless';
  return undefined;
}

const byIndex = new WeakMap<RepoIndex, OperationsFacts>();

/** The operations facts of this audit (one instance per repository index). */
export function operationsOf(index: RepoIndex, files: ParsedFiles): OperationsFacts {
  let facts = byIndex.get(index);
  if (!facts) {
    facts = new OperationsFacts(index, files);
    byIndex.set(index, facts);
  }
  return facts;
}
