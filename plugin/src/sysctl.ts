import { CniError, ErrorCode } from './errors.ts';

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

export const ipForwardEnabled = async (): Promise<boolean> => (await Bun.file(IP_FORWARD).text()).trim() === '1';

/** Reads first and writes only when needed: /proc/sys may be read-only where forwarding is already on. */
export async function ensureIpForward(): Promise<boolean> {
  if (await ipForwardEnabled()) return false;
  try {
    await Bun.write(IP_FORWARD, '1');
  } catch (err) {
    throw new CniError(ErrorCode.CommandFailed, `cannot enable IP forwarding: ${(err as Error).message}`, `write 1 to ${IP_FORWARD} (sysctl -w net.ipv4.ip_forward=1)`, { cause: err });
  }
  return true;
}
