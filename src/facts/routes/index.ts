import type { ParsedFiles } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import type { Domain } from '../../model/rule.ts';
import { extractExpressRoutes } from './express.ts';
import { extractFastapiRoutes } from './fastapi.ts';
import { extractNextjsRoutes } from './nextjs.ts';

/** One extractor per framework; each runs only when its framework was detected. */
const EXTRACTORS: { domain: Domain; extract: (files: ParsedFiles) => Route[] }[] = [
  { domain: 'fastapi', extract: extractFastapiRoutes },
  { domain: 'express', extract: extractExpressRoutes },
  { domain: 'nextjs', extract: extractNextjsRoutes },
];

export function extractRoutes(files: ParsedFiles, domains: ReadonlySet<Domain>): Route[] {
  const routes = EXTRACTORS.filter((e) => domains.has(e.domain)).flatMap((e) => e.extract(files));
  return routes.sort((a, b) => (a.at.file < b.at.file ? -1 : a.at.file > b.at.file ? 1 : (a.at.startLine ?? 0) - (b.at.startLine ?? 0)));
}
