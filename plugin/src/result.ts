import { CniError, ErrorCode } from './errors.ts';
import { resultHasIpVersion } from './versions.ts';

export interface Interface {
  name: string;
  mac?: string;
  mtu?: number;
  sandbox?: string;
}
export interface IpConfig {
  address: string;
  gateway?: string;
  interface?: number;
}
export interface Route {
  dst: string;
  gw?: string;
  [key: string]: unknown;
}
/** A CNI result in the 1.x shape; `format` turns it into any supported version. */
export interface Result {
  interfaces: Interface[];
  ips: IpConfig[];
  routes: Route[];
  dns: Record<string, unknown>;
}

const decodeError = (msg: string): CniError => new CniError(ErrorCode.DecodeFailure, msg);

/** Reads a result of any supported version (prevResult, an IPAM answer) into the 1.x shape. */
export function normalizeResult(value: unknown, what: string): Result {
  if (typeof value !== 'object' || value === null) throw decodeError(`${what} is not a CNI result object`);
  const r = value as Record<string, unknown>;
  const list = (key: string): Record<string, unknown>[] => {
    const v = r[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw decodeError(`${what}.${key} must be a list`);
    return v as Record<string, unknown>[];
  };
  const ips = list('ips').map((ip, i) => {
    if (typeof ip.address !== 'string') throw decodeError(`${what}.ips[${i}].address is missing`);
    const out: IpConfig = { address: ip.address };
    if (typeof ip.gateway === 'string') out.gateway = ip.gateway;
    if (typeof ip.interface === 'number') out.interface = ip.interface;
    return out;
  });
  return {
    interfaces: list('interfaces') as unknown as Interface[],
    ips,
    routes: list('routes') as unknown as Route[],
    dns: (typeof r.dns === 'object' && r.dns !== null ? r.dns : {}) as Record<string, unknown>,
  };
}

/** Appends `ours` to a previous result, re-pointing our ips at the shifted interface indexes. */
export function appendResult(prev: Result, ours: Result): Result {
  const offset = prev.interfaces.length;
  return {
    interfaces: [...prev.interfaces, ...ours.interfaces],
    ips: [...prev.ips, ...ours.ips.map((ip) => (ip.interface === undefined ? ip : { ...ip, interface: ip.interface + offset }))],
    routes: [...prev.routes, ...ours.routes],
    dns: Object.keys(ours.dns).length > 0 ? ours.dns : prev.dns,
  };
}

/** The result as the spec version `cniVersion` spells it. */
export function formatResult(result: Result, cniVersion: string): Record<string, unknown> {
  const withVersion = resultHasIpVersion(cniVersion);
  return {
    cniVersion,
    interfaces: result.interfaces,
    ips: result.ips.map((ip) => (withVersion ? { version: ip.address.includes(':') ? '6' : '4', ...ip } : ip)),
    routes: result.routes,
    dns: result.dns,
  };
}
