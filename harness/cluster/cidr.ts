/** IPv4 networks as the lab needs them: parse, take the n-th address, split into subnets. */
export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
}

export class CidrError extends Error {
  constructor(value: string, why: string) {
    super(`invalid network ${JSON.stringify(value)}: ${why} (expected a.b.c.d/n, e.g. 10.0.0.0/16)`);
    this.name = 'CidrError';
  }
}

export function parseIp(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new CidrError(text, 'not a dotted IPv4 address');
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function parseCidr(text: string): Cidr {
  const [ip, len, ...rest] = text.split('/');
  if (ip === undefined || len === undefined || rest.length > 0 || !/^\d{1,2}$/.test(len) || Number(len) > 32) {
    throw new CidrError(text, 'missing or bad prefix length');
  }
  const prefix = Number(len);
  const base = parseIp(ip);
  if (base % size(prefix) !== 0) throw new CidrError(text, `host bits set (did you mean ${formatIp(base - (base % size(prefix)))}/${prefix}?)`);
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

function size(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** The address at offset `n` in the network; negative offsets count from the broadcast address. */
export function addressAt(c: Cidr, n: number): string {
  const total = size(c.prefix);
  const offset = n >= 0 ? n : total + n;
  if (offset < 0 || offset >= total) throw new RangeError(`offset ${n} is outside ${formatCidr(c)}`);
  return formatIp(c.base + offset);
}

/** The i-th subnet of length `prefix` inside `c` (0-based), in address order. */
export function subnetAt(c: Cidr, prefix: number, i: number): Cidr {
  if (prefix < c.prefix) throw new RangeError(`a /${prefix} does not fit in ${formatCidr(c)}`);
  const count = size(c.prefix) / size(prefix);
  if (i < 0 || i >= count) throw new RangeError(`${formatCidr(c)} has only ${count} /${prefix} subnets, asked for #${i + 1}`);
  return { base: c.base + i * size(prefix), prefix };
}

export function contains(c: Cidr, ip: string): boolean {
  const n = parseIp(ip);
  return n >= c.base && n < c.base + size(c.prefix);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b.prefix) && b.base < a.base + size(a.prefix);
}
