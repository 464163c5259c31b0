import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * The machine that ran `up`, recorded with what `up` made on machines other users may also
 * reach (an ssh inventory's machines, a shared GCP project): a state path means something
 * only there, and another machine's cluster is never taken for leftovers of one's own.
 */
export interface Controller {
  host: string;
  /** /etc/machine-id, when it has one: host names repeat (containers, clones), machine ids should not. */
  machineId?: string;
}

/** This machine. */
export function thisController(): Controller {
  let machineId: string | undefined;
  try {
    machineId = readFileSync('/etc/machine-id', 'utf8').trim() || undefined;
  } catch {
    machineId = undefined;
  }
  return { host: hostname(), ...(machineId ? { machineId } : {}) };
}

/** Whether two records of who ran `up` name the same machine. */
export function sameController(a: Controller, b: Controller): boolean {
  return a.machineId && b.machineId ? a.machineId === b.machineId : a.host === b.host;
}

/** `host/machine-id` (or `host`), for a label or metadata value. */
export function formatController(c: Controller): string {
  return c.machineId ? `${c.host}/${c.machineId}` : c.host;
}

export function parseController(s: string): Controller {
  const i = s.lastIndexOf('/');
  return i < 0 ? { host: s } : { host: s.slice(0, i), machineId: s.slice(i + 1) };
}
