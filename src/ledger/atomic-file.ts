/**
 * Crash-safe writes for the files shipgate keeps in the audited repository (history, triage) and
 * the reports it writes.
 *
 * The strategy is "write a temporary file next to the target, fsync it, rename it over the
 * target, fsync the folder": rename(2) replaces the directory entry atomically, so a reader sees
 * either the whole old file or the whole new one, and a crash at any point leaves the old file
 * intact (at worst a stray temporary file, removed by the next write). Appending in place was
 * rejected: a crash in the middle of an append leaves a torn last line.
 *
 * Read-modify-write cycles (the history) run under a lock file created with O_EXCL, so two audits
 * of the same repository at once cannot lose each other's record. A lock whose owner died (same
 * host, process gone) or that is older than `staleMs` is taken over.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteHooks {
  /** Called after the temporary file is complete and synced, before the rename (tests simulate a crash here). */
  beforeRename?: () => void | Promise<void>;
}

const TEMP_SUFFIX = '.tmp';

/** `.history.jsonl.<pid>.<random>.tmp`: hidden, and names the writing process so stale ones can be recognised. */
function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

export async function writeFileAtomic(file: string, content: string, hooks: AtomicWriteHooks = {}): Promise<void> {
  const temp = tempNameFor(file);
  const mode = await stat(file).then(
    (s) => s.mode & 0o777,
    () => 0o644,
  );
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await hooks.beforeRename?.();
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(path.dirname(file));
  await removeStaleTemps(file);
}

/** Make the rename durable. Not every platform can fsync a directory; that is not an error. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

/** Remove temporary files of `file` left by writers that crashed (their process is gone). */
export async function removeStaleTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !processIsAlive(pid)) await unlink(path.join(dir, name)).catch(() => undefined);
  }
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class LockTimeoutError extends Error {}

export interface LockOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is taken over even if its owner seems alive (default 60 s; a write takes milliseconds). */
  staleMs?: number;
}

/** Run `fn` holding `lockFile` (created with O_EXCL). Throws LockTimeoutError when another live process keeps it. */
export async function withLock<T>(lockFile: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 60_000;
  const token = `${process.pid}\n${hostname()}\n${Date.now()}\n${randomBytes(4).toString('hex')}\n`;
  const started = Date.now();
  let delay = 20;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      try {
        await handle.writeFile(token);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await lockIsStale(lockFile, staleMs)) {
      await unlink(lockFile).catch(() => undefined);
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      const owner = (await readFile(lockFile, 'utf8').catch(() => '')).split('\n')[0];
      throw new LockTimeoutError(`${path.basename(lockFile)} is held by another shipgate process${owner ? ` (pid ${owner})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 250);
  }
  try {
    return await fn();
  } finally {
    // Remove the lock only if it is still ours (a stale-lock takeover may have replaced it).
    const current = await readFile(lockFile, 'utf8').catch(() => '');
    if (current === token) await unlink(lockFile).catch(() => undefined);
  }
}

async function lockIsStale(lockFile: string, staleMs: number): Promise<boolean> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile).then((s) => s.mtimeMs)]);
  } catch {
    return false; // gone or unreadable: the next open() decides
  }
  if (Date.now() - mtimeMs > staleMs) return true;
  const [pidText, host] = text.split('\n');
  const pid = Number(pidText);
  // A lock being written right now has no content yet: not stale.
  if (!pidText) return false;
  return host === hostname() && Number.isInteger(pid) && !processIsAlive(pid);
}
