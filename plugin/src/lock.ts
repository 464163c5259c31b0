import { CniError, ErrorCode } from './errors.ts';
import { LOCK_EX, LOCK_NB, LOCK_UN, O_CLOEXEC, O_CREAT, O_WRONLY, loadLibc } from './libc.ts';

/**
 * Runs `fn` while holding an exclusive flock(2) on `path`, shared by every plugin process
 * on the node. The kernel drops the lock if the plugin dies, so a crash can never leave the
 * node locked (unlike marker files or mkdir locks). Waits up to `timeoutMs`, then fails
 * with code 11 (try again later).
 */
export async function withLock<T>(path: string, timeoutMs: number, fn: () => T | Promise<T>): Promise<T> {
  const libc = await loadLibc();
  const fd = libc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600);
  if (fd < 0) throw new CniError(ErrorCode.IoFailure, `cannot open the node lock ${path}`, 'check that /run is writable');
  try {
    const deadline = Date.now() + timeoutMs;
    while (libc.flock(fd, LOCK_EX | LOCK_NB) !== 0) {
      if (Date.now() > deadline) {
        throw new CniError(ErrorCode.TryAgainLater, `node lock ${path} still held after ${timeoutMs} ms`, 'another my-cni-plugin process is setting up the node; retry');
      }
      Bun.sleepSync(5);
    }
    return await fn();
  } finally {
    libc.flock(fd, LOCK_UN);
    libc.close(fd);
  }
}
