/**
 * Debian's Chromium for the HTML report test (a test tool's own browser download does not work
 * here): use /usr/bin/chromium when present, else install it with apt-get when running as root
 * and apt works. Returns the executable, or why it is not available so the test can say so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/** Launch flags for headless Chromium as root on a machine without network (see /work/shared/NOTES.md). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function ensureChromium(): { executable: string } | { unavailable: string } {
  if (existsSync(CHROMIUM)) return { executable: CHROMIUM };
  if (process.platform !== 'linux') return { unavailable: `no ${CHROMIUM} and this is not a Debian machine (${process.platform})` };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { unavailable: `no ${CHROMIUM}, and installing it needs root (apt-get install -y chromium)` };
  const apt = (args: string[]) => spawnSync('apt-get', args, { encoding: 'utf8', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  let install = apt(['install', '-y', 'chromium']);
  if (install.status !== 0) {
    apt(['update']);
    install = apt(['install', '-y', 'chromium']);
  }
  if (install.status !== 0 || !existsSync(CHROMIUM)) return { unavailable: `apt-get install -y chromium failed: ${(install.error?.message ?? install.stderr ?? '').trim().split('\n').slice(-3).join(' ')}` };
  return { executable: CHROMIUM };
}
