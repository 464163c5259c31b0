import { readFileSync, writeFileSync } from 'node:fs';
import { CniError, ErrorCode } from './errors.ts';

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

export const ipForwardEnabled = (): boolean => readFileSync(IP_FORWARD, 'utf8').trim() === '1';

/** Reads first and writes only when needed: /proc/sys may be read-only where forwarding is already on. */
export function ensureIpForward(): boolean {
  if (ipForwardEnabled()) return false;
  try {
    writeFileSync(IP_FORWARD, '1');
  } catch (err) {
    throw new CniError(ErrorCode.CommandFailed, `cannot enable IP forwarding: ${(err as Error).message}`, `write 1 to ${IP_FORWARD} (sysctl -w net.ipv4.ip_forward=1)`, { cause: err });
  }
  return true;
}
