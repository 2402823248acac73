import type { ToolDiagnostic } from '../../model/finding.ts';
import type { ParsedFiles } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import type { Domain } from '../../model/rule.ts';
import { extractAiohttpRoutes } from './aiohttp.ts';
import { extractDjangoRoutes } from './django.ts';
import { extractExpressRoutes } from './express.ts';
import { extractFastapiRoutes } from './fastapi.ts';
import { extractFlaskRoutes } from './flask.ts';
import { extractNextjsRoutes } from './nextjs.ts';
import { extractStarletteRoutes } from './starlette.ts';

/** One extractor per framework; each runs only when its framework was detected. */
const EXTRACTORS: { domain: Domain; extract: (files: ParsedFiles) => Route[] }[] = [
  { domain: 'fastapi', extract: extractFastapiRoutes },
  { domain: 'flask', extract: extractFlaskRoutes },
  { domain: 'aiohttp', extract: extractAiohttpRoutes },
  { domain: 'starlette', extract: extractStarletteRoutes },
  { domain: 'django', extract: extractDjangoRoutes },
  { domain: 'express', extract: extractExpressRoutes },
  { domain: 'nextjs', extract: extractNextjsRoutes },
];

/**
 * An extractor that crashes on odd code costs its framework's routes, never the audit: the
 * failure becomes a diagnostic and the rules still run on everything else.
 */
export function extractRoutes(files: ParsedFiles, domains: ReadonlySet<Domain>, diagnostics: ToolDiagnostic[] = []): Route[] {
  const routes = EXTRACTORS.filter((e) => domains.has(e.domain)).flatMap((e) => {
    try {
      return e.extract(files);
    } catch (error) {
      diagnostics.push({ kind: 'rule-error', message: `the ${e.domain} route extractor failed, so its routes are missing from this audit: ${(error as Error).message}` });
      return [];
    }
  });
  return routes.sort((a, b) => (a.at.file < b.at.file ? -1 : a.at.file > b.at.file ? 1 : (a.at.startLine ?? 0) - (b.at.startLine ?? 0)));
}
