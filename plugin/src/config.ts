import { CniError, ErrorCode } from './errors.ts';
import { type Cidr, contains, formatIPv4, formatNetwork, parseCidr, parseIPv4 } from './ipv4.ts';
import { SUPPORTED_VERSIONS, isSupported } from './versions.ts';

/** The plugin's network configuration, as the runtime hands it over on stdin. */
export interface NetConf {
  cniVersion: string;
  name: string;
  bridge: string;
  mtu: number;
  hairpinMode: boolean;
  /** The whole cluster's pod network: never masqueraded, always forwarded. */
  podNetwork: Cidr;
  /** The nodes' network: traffic from pods to it keeps the pod address. */
  hostNetwork: Cidr;
  /** This node's share of the pod network; pod addresses come from it. */
  podSubnet: Cidr;
  /** The bridge's address and the pods' gateway: podSubnet's first address unless set. */
  gateway: string;
  ipMasq: boolean;
  logFile: string;
  ipam: { type: string } & Record<string, unknown>;
  dns?: Record<string, unknown>;
  prevResult?: unknown;
  /** The bytes as received: delegated IPAM plugins get exactly these. */
  raw: string;
  /** Every key as received, for keys the plugin does not model (cni.dev/valid-attachments). */
  json: Record<string, unknown>;
}

const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const DEFAULT_LOG_FILE = '/var/log/my-cni-plugin.log';

const bad = (msg: string): CniError => new CniError(ErrorCode.InvalidConfig, msg);

/** Decodes stdin. Malformed JSON is code 6; everything else wrong in it is code 7 or 1. */
export function decodeConfig(raw: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new CniError(ErrorCode.DecodeFailure, `network config on stdin is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CniError(ErrorCode.DecodeFailure, 'network config on stdin must be a JSON object');
  }
  return json as Record<string, unknown>;
}

/** The cniVersion of a decoded config; missing means 0.1.0 (spec), which we do not support. */
export function checkVersion(json: Record<string, unknown>): string {
  const version = typeof json.cniVersion === 'string' ? json.cniVersion : '0.1.0';
  if (!isSupported(version)) {
    throw new CniError(
      ErrorCode.IncompatibleVersion,
      'incompatible CNI versions',
      `config is "${version}", plugin supports [${SUPPORTED_VERSIONS.join(', ')}]: set "cniVersion" to one of them`,
    );
  }
  return version;
}

function cidrField(json: Record<string, unknown>, key: string, example: string): Cidr {
  const value = json[key];
  const cidr = typeof value === 'string' ? parseCidr(value) : undefined;
  if (!cidr) throw bad(`"${key}" must be an IPv4 CIDR such as "${example}", got ${JSON.stringify(value)}`);
  if (cidr.ip !== cidr.network) {
    throw bad(`"${key}" ${value} has host bits set: use the network address ${formatNetwork(cidr)}`);
  }
  return cidr;
}

function optional<T>(json: Record<string, unknown>, key: string, type: string, fallback: T): T {
  const value = json[key];
  if (value === undefined) return fallback;
  if (typeof value !== type) throw bad(`"${key}" must be a ${type}, got ${JSON.stringify(value)}`);
  return value as T;
}

export function parseConfig(raw: string): NetConf {
  const json = decodeConfig(raw);
  const cniVersion = checkVersion(json);
  const name = json.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw bad(`"name" must start with a letter or digit and hold only letters, digits, "_", "." and "-", got ${JSON.stringify(name)}`);
  }
  const bridge = optional(json, 'bridge', 'string', 'cni0');
  if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(bridge)) {
    throw bad(`"bridge" ${JSON.stringify(bridge)} is not a valid interface name: use 1 to 15 letters, digits, "_", "." or "-"`);
  }
  const mtu = optional(json, 'mtu', 'number', 1500);
  if (!Number.isInteger(mtu) || mtu < 576 || mtu > 65535) {
    throw bad(`"mtu" must be an integer from 576 to 65535, got ${JSON.stringify(json.mtu)}`);
  }
  const podNetwork = cidrField(json, 'podNetwork', '200.200.0.0/16');
  const hostNetwork = cidrField(json, 'hostNetwork', '10.0.0.0/16');
  const podSubnet = cidrField(json, 'podSubnet', '200.200.1.0/24');
  if (!contains(podNetwork, podSubnet.network) || podSubnet.prefix < podNetwork.prefix) {
    throw bad(`"podSubnet" ${formatNetwork(podSubnet)} must lie inside "podNetwork" ${formatNetwork(podNetwork)}`);
  }
  const gateway = optional(json, 'gateway', 'string', formatIPv4(podSubnet.network + 1));
  const gw = parseIPv4(gateway);
  if (gw === undefined || !contains(podSubnet, gw) || gw === podSubnet.network) {
    throw bad(`"gateway" must be an address inside "podSubnet" ${formatNetwork(podSubnet)} other than its network address, got ${JSON.stringify(gateway)}`);
  }
  const ipam = json.ipam as NetConf['ipam'] | undefined;
  if (typeof ipam !== 'object' || ipam === null || typeof ipam.type !== 'string' || !/^[a-zA-Z0-9_.-]+$/.test(ipam.type)) {
    throw bad(`"ipam.type" must name an IPAM plugin found on CNI_PATH, such as "host-local", got ${JSON.stringify(ipam?.type)}`);
  }
  const dns = json.dns;
  if (dns !== undefined && (typeof dns !== 'object' || dns === null || Array.isArray(dns))) {
    throw bad(`"dns" must be an object with nameservers, domain, search or options, got ${JSON.stringify(dns)}`);
  }
  return {
    cniVersion,
    name,
    bridge,
    mtu,
    hairpinMode: optional(json, 'hairpinMode', 'boolean', true),
    podNetwork,
    hostNetwork,
    podSubnet,
    gateway,
    ipMasq: optional(json, 'ipMasq', 'boolean', true),
    logFile: optional(json, 'logFile', 'string', DEFAULT_LOG_FILE),
    ipam,
    dns: dns as Record<string, unknown> | undefined,
    prevResult: json.prevResult,
    raw,
    json,
  };
}
