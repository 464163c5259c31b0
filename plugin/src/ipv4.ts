/** Minimal IPv4 arithmetic: the plugin handles one IPv4 pod network per node. */
export interface Cidr {
  /** The address as written (may have host bits set, e.g. a pod's 10.1.0.5/24). */
  ip: number;
  prefix: number;
  /** The network address (host bits cleared). */
  network: number;
}

export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const ip = parseIPv4(match[1]!);
  const prefix = Number(match[2]);
  if (ip === undefined || prefix > 32) return undefined;
  return { ip, prefix, network: (ip & maskOf(prefix)) >>> 0 };
}

export function contains(net: Cidr, ip: number): boolean {
  return ((ip & maskOf(net.prefix)) >>> 0) === net.network;
}

export const formatCidr = (c: Cidr): string => `${formatIPv4(c.ip)}/${c.prefix}`;
export const formatNetwork = (c: Cidr): string => `${formatIPv4(c.network)}/${c.prefix}`;

/** A locally administered MAC whose last four bytes are the IPv4 address (the 0a:58 convention). */
export function macForIPv4(ip: number): string {
  const bytes = [0x0a, 0x58, ...[24, 16, 8, 0].map((s) => Math.floor(ip / 2 ** s) % 256)];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
