import { baseName } from './repo-paths.ts';
import type { ParsedFile } from '../model/parsed-file.ts';

/**
 * Questions several rules ask about configuration modules: is this a Django settings module that
 * ships (not `settings/local.py`, `settings_test.py`), is this file dev-only configuration.
 */

/** A file or module name part that marks development, test or example configuration. */
export const DEV_ONLY_NAME = /(^|[._-])(local|dev|develop|development|test|testing|tests|ci|example|sample|template|dist|override)([._-]|$)/i;


/** `config/dev.py`, `settings_test.py`, `settings/local.py`, `dev/settings.py`: configuration that never ships. */
export function isDevConfigPath(path: string): boolean {
  const name = baseName(path).replace(/\.py$/, '').replace(/^(settings|config)/, '');
  return DEV_ONLY_NAME.test(name) || /(^|\/)(dev|local|test|tests)\//.test(path);
}

/** `settings.py`, `settings/production.py`, or any module assigning INSTALLED_APPS / MIDDLEWARE; never dev/local/test modules. */
export function isShippedDjangoSettings(file: ParsedFile): boolean {
  const byName = /(^|\/)settings(\/[^/]+)?\.py$/.test(file.path) || /(^|\/)settings_\w+\.py$/.test(file.path);
  const byContent = /^(INSTALLED_APPS|MIDDLEWARE)\s*[+]?=/m.test(file.text);
  return (byName || byContent) && !isDevConfigPath(file.path);
}

/** Python source without `#` comments (a rough cut that keeps `#` inside quotes on most lines). */
export function stripPyComments(text: string): string {
  return text.replace(/^\s*#.*$/gm, '').replace(/\s#(?![^"'\n]*["'][^"'\n]*$).*$/gm, '');
}
