import { closeSync, openSync } from 'node:fs';
import { CniError, ErrorCode } from './errors.ts';

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

type Flock = (fd: number, op: number) => number;
let flock: Flock | undefined;

async function loadFlock(): Promise<Flock> {
  // flock(2) through Bun's FFI: the kernel drops the lock if the plugin dies, so a
  // crash can never leave the node locked (unlike marker files or mkdir locks).
  const ffi = await import('bun:ffi');
  const libc = ffi.dlopen('libc.so.6', { flock: { args: [ffi.FFIType.i32, ffi.FFIType.i32], returns: ffi.FFIType.i32 } });
  return libc.symbols.flock as Flock;
}

/**
 * Runs `fn` while holding an exclusive flock on `path`, shared by every plugin
 * process on the node. Waits up to `timeoutMs`, then fails with code 11 (try again later).
 */
export async function withLock<T>(path: string, timeoutMs: number, fn: () => T | Promise<T>): Promise<T> {
  flock ??= await loadFlock();
  const fd = openSync(path, 'a', 0o600);
  try {
    const deadline = Date.now() + timeoutMs;
    while (flock(fd, LOCK_EX | LOCK_NB) !== 0) {
      if (Date.now() > deadline) {
        throw new CniError(ErrorCode.TryAgainLater, `node lock ${path} still held after ${timeoutMs} ms`, 'another my-cni-plugin process is setting up the node; retry');
      }
      Bun.sleepSync(5);
    }
    return await fn();
  } finally {
    flock(fd, LOCK_UN);
    closeSync(fd);
  }
}
