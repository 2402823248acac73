/** Write (or with --check, verify) every generated file: registry, rule docs, scoring doc. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatedFiles, ROOT } from './generated-files.ts';

const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [relative, content] of await generatedFiles()) {
  const target = path.join(ROOT, relative);
  let current: string | undefined;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  if (check) stale.push(relative);
  else {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    console.log(`wrote ${relative}`);
  }
}
if (check && stale.length) {
  console.error(`stale generated files (run npm run gen):\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
