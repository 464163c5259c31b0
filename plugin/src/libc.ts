/**
 * The libc calls Bun has no API for, through its FFI: flock(2) and the open/close around
 * it, for the node lock. Loaded on first use only (the FFI set-up costs a few ms).
 */
export const O_WRONLY = 0o1;
export const O_CREAT = 0o100;
export const O_CLOEXEC = 0o2000000;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;

interface Libc {
  open(path: string, flags: number, mode: number): number;
  close(fd: number): number;
  flock(fd: number, op: number): number;
}

let libc: Libc | undefined;

export async function loadLibc(): Promise<Libc> {
  if (libc) return libc;
  const { dlopen, FFIType, ptr } = await import('bun:ffi');
  const { symbols } = dlopen('libc.so.6', {
    open: { args: [FFIType.ptr, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
    flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  });
  libc = {
    open: (path, flags, mode) => {
      // Held in a local so the buffer outlives the call that reads it.
      const cstring = new TextEncoder().encode(`${path}\0`);
      return symbols.open(ptr(cstring), flags, mode);
    },
    close: (fd) => symbols.close(fd),
    flock: (fd, op) => symbols.flock(fd, op),
  };
  return libc;
}
