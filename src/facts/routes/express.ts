import type { ParsedFiles } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';

/** Placeholder replaced by the Express extractor (in progress). */
export function extractExpressRoutes(_files: ParsedFiles): Route[] {
  return [];
}
