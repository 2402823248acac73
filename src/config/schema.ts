import { z } from 'zod';

const severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
const ruleSetting = z.union([z.literal('off'), severity, z.strictObject({ severity: severity.optional() })]);

export const configSchema = z.strictObject({
  /** Per rule: 'off', a severity, or { severity }. Keys are rule ids. */
  rules: z.record(z.string(), ruleSetting).default({}),
  /** Extra paths to leave out, in .gitignore syntax. */
  ignore: z.array(z.string()).default([]),
  /** Files larger than this many kilobytes are skipped. */
  maxFileSizeKb: z.number().int().positive().default(1024),
  /**
   * Scan every commit of every branch for known-format secrets: true, false, or 'auto' (only when
   * the repository has at most `gitHistoryAutoLimit` commits, so big histories do not slow every run).
   */
  gitHistory: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  gitHistoryAutoLimit: z.number().int().nonnegative().default(5000),
  /** Default for --fail-on. */
  failOn: z.enum(['critical', 'high', 'medium', 'low', 'none']).optional(),
});

export type ShipgateConfig = z.infer<typeof configSchema>;
export const defaultConfig = (): ShipgateConfig => configSchema.parse({});
