import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
// ssh2 is CommonJS, and Node's named-export detection does not find `utils` in it.
import ssh2 from 'ssh2';
import { LineCounter, isMap, isSeq, parseDocument } from 'yaml';
import { contains, formatCidr, overlaps, parseCidr, parseIp, type Cidr } from '../../cluster/cidr.ts';
import type { NodeRole } from '../../cluster/state.ts';
import { UsageError } from '../../errors.ts';
import { YamlReader, type YamlPath } from '../../yaml-position.ts';

/**
 * The ssh provider's inventory: machines a user already has, in a small YAML file. Every
 * problem is found here, before anything touches a machine, and named with the file, line,
 * field, what is wrong and how to fix it. The format: harness/providers/ssh/README.md.
 */

export interface InventoryNode {
  name: string;
  host: string;
  port: number;
  user: string;
  /** The private key's absolute path (the file gives it relative to itself). */
  key: string;
  /** The pinned host key: the base64 blob of an OpenSSH public key line. */
  hostKey?: string;
  nodeIp: string;
  podCidr: string;
  role: NodeRole;
}

export interface InventoryOutside {
  echoHostIp: string;
  echoSecret: string;
  echoHostName: string;
  network: string;
  routerHostIp: string;
  routerOutsideIp: string;
}

export interface Inventory {
  /** The inventory file's absolute path. */
  file: string;
  hostNetwork: string;
  podNetwork: string;
  nodeCidrMaskSize: number;
  nodes: InventoryNode[];
  outside: InventoryOutside;
}

export const DEFAULT_ECHO_HOST_NAME = 'echo.nmap.org';

/** A usage error (exit code 2; the CLI prints the message alone, without a stack). */
export class InventoryError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `inventory ${file}: ${problems.length} problem${problems.length > 1 ? 's' : ''}, nothing was changed on any machine:\n  ${problems.join('\n  ')}\n` +
        '(the format: harness/providers/ssh/README.md)',
    );
    this.name = 'InventoryError';
  }
}

type Path = YamlPath;

const TOP_KEYS = ['hostNetwork', 'podNetwork', 'nodes', 'outside'];
const NODE_KEYS = ['name', 'host', 'port', 'user', 'key', 'hostKey', 'nodeIp', 'podCidr', 'role'];
const OUTSIDE_KEYS = ['echoHostIp', 'echoSecret', 'echoHostName', 'network', 'routerHostIp', 'routerOutsideIp'];
const ROLES: readonly NodeRole[] = ['control-plane', 'worker'];

class Reader extends YamlReader {
  fail(path: Path, what: string, fix: string): undefined {
    this.problems.push(`${this.where(path)}: ${path.join('.') || '(top)'}: ${what}; ${fix}`);
    return undefined;
  }

  string(path: Path, fix: string): string | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return this.fail(path, 'is missing', fix);
    if (typeof v !== 'string' || v.trim() === '') return this.fail(path, `must be a non-empty string, got ${JSON.stringify(v)}`, fix);
    return v;
  }

  optionalString(path: Path, fix: string): string | undefined {
    return this.get(path) === undefined ? undefined : this.string(path, fix);
  }

  cidr(path: Path, fix: string): Cidr | undefined {
    const s = this.string(path, fix);
    if (s === undefined) return undefined;
    try {
      return parseCidr(s);
    } catch (e) {
      return this.fail(path, (e as Error).message, fix);
    }
  }

  ip(path: Path, fix: string): string | undefined {
    const s = this.string(path, fix);
    if (s === undefined) return undefined;
    try {
      parseIp(s);
      return s;
    } catch (e) {
      return this.fail(path, (e as Error).message, fix);
    }
  }

  keys(path: Path, allowed: string[]): void {
    for (const { key } of this.unknownKeys(path, allowed)) {
      this.fail([...path, key], `unknown field "${key}"`, `remove it or fix its spelling (allowed: ${allowed.join(', ')})`);
    }
  }
}

/** Reads and checks an inventory file; throws an InventoryError listing every problem. */
export function loadInventory(path: string): Inventory {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InventoryError(file, [`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give --inventory an existing YAML file`]);
  }
  return parseInventory(file, text);
}

export function parseInventory(file: string, text: string): Inventory {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new InventoryError(file, doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return `${file}:${pos.line}:${pos.col}: not valid YAML: ${e.message.split('\n')[0]}; fix the syntax`;
    }));
  }
  const r = new Reader(doc, lines, file);
  if (!isMap(doc.contents)) throw new InventoryError(file, [`${file}:1:1: (top): must be a mapping with hostNetwork, podNetwork, nodes and outside; see the example in the README`]);
  r.keys([], TOP_KEYS);

  const hostNet = r.cidr(['hostNetwork'], 'give the nodes\' network as a.b.c.d/n, e.g. 10.0.0.0/16');
  const podNet = r.cidr(['podNetwork'], 'give the cluster\'s pod network as a.b.c.d/n, e.g. 200.200.0.0/16');
  if (hostNet && podNet && overlaps(hostNet, podNet)) {
    r.fail(['podNetwork'], `${formatCidr(podNet)} overlaps hostNetwork ${formatCidr(hostNet)}`, 'choose disjoint ranges');
  }

  const nodes: InventoryNode[] = [];
  const seq = doc.getIn(['nodes'], true);
  if (!isSeq(seq) || seq.items.length === 0) {
    r.fail(['nodes'], seq === undefined ? 'is missing' : 'must be a non-empty list', 'list every machine: name, host, key, nodeIp, podCidr');
  } else {
    for (let i = 0; i < seq.items.length; i++) {
      const n = readNode(r, ['nodes', i], i, dirname(file), hostNet, podNet);
      if (n) nodes.push(n);
    }
    crossCheckNodes(r, nodes);
  }

  const outside = readOutside(r, hostNet, podNet);
  if (r.problems.length > 0 || !hostNet || !podNet || !outside) throw new InventoryError(file, r.problems);
  return {
    file,
    hostNetwork: formatCidr(hostNet),
    podNetwork: formatCidr(podNet),
    nodeCidrMaskSize: parseCidr(nodes[0]!.podCidr).prefix,
    nodes,
    outside,
  };
}

function readNode(r: Reader, path: Path, index: number, baseDir: string, hostNet?: Cidr, podNet?: Cidr): InventoryNode | undefined {
  if (!r.isMapAt(path)) {
    return r.fail(path, 'must be a mapping', 'give name, host, key, nodeIp and podCidr');
  }
  const before = r.problems.length;
  r.keys(path, NODE_KEYS);
  const name = r.string([...path, 'name'], 'give the node name (a DNS label such as my-k8s-worker-1)');
  if (name !== undefined && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
    r.fail([...path, 'name'], `${JSON.stringify(name)} is not a DNS label`, 'use lower-case letters, digits and dashes');
  }
  const host = r.string([...path, 'host'], 'give the address or name that SSH connects to');
  const portValue = r.get([...path, 'port']);
  let port = 22;
  if (portValue !== undefined) {
    if (typeof portValue === 'number' && Number.isInteger(portValue) && portValue >= 1 && portValue <= 65535) port = portValue;
    else r.fail([...path, 'port'], `must be a port number from 1 to 65535, got ${JSON.stringify(portValue)}`, 'give sshd\'s port, or leave it out for 22');
  }
  const userValue = r.get([...path, 'user']);
  const user = userValue === undefined ? 'root' : r.string([...path, 'user'], 'give the login (root: the harness needs root on the node)');
  const keyRel = r.string([...path, 'key'], 'give the path of the private key that logs in, relative to the inventory file');
  let key: string | undefined;
  if (keyRel !== undefined) {
    key = isAbsolute(keyRel) ? keyRel : resolve(baseDir, keyRel);
    let keyText: string | undefined;
    try {
      keyText = readFileSync(key, 'utf8');
    } catch (e) {
      r.fail([...path, 'key'], `${key} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'give an existing private key file (paths are relative to the inventory file)');
    }
    if (keyText !== undefined) {
      const parsed = ssh2.utils.parseKey(keyText);
      if (parsed instanceof Error) {
        r.fail([...path, 'key'], `${key} is not a usable private key (${parsed.message})`, 'give an unencrypted OpenSSH or PEM private key (passphrases and agents are not supported)');
      } else if (!Array.isArray(parsed) && !parsed.isPrivateKey()) {
        r.fail([...path, 'key'], `${key} is a public key`, 'give the private key (the file without .pub)');
      }
    }
  }
  const hostKey = r.optionalString([...path, 'hostKey'], 'give the base64 blob of the node\'s /etc/ssh/ssh_host_ed25519_key.pub (its second field)');
  if (hostKey !== undefined && !validHostKey(hostKey)) {
    r.fail([...path, 'hostKey'], 'is not the base64 blob of an SSH public key', 'copy the second field of the node\'s /etc/ssh/ssh_host_ed25519_key.pub, e.g. AAAAC3NzaC1lZDI1NTE5AAAA...');
  }
  const nodeIp = r.ip([...path, 'nodeIp'], 'give the node\'s address on hostNetwork (the address other nodes reach it at)');
  if (nodeIp !== undefined && hostNet && !contains(hostNet, nodeIp)) {
    r.fail([...path, 'nodeIp'], `${nodeIp} is not in hostNetwork ${formatCidr(hostNet)}`, 'give the node\'s address on the host network, or widen hostNetwork');
  }
  const podCidrCidr = r.cidr([...path, 'podCidr'], 'give the node\'s pod subnet as a.b.c.d/n, e.g. 200.200.1.0/24');
  if (podCidrCidr && podNet && !(podCidrCidr.prefix >= podNet.prefix && overlaps(podCidrCidr, podNet))) {
    r.fail([...path, 'podCidr'], `${formatCidr(podCidrCidr)} is not inside podNetwork ${formatCidr(podNet)}`, 'give a subnet of the pod network');
  }
  const roleValue = r.get([...path, 'role']);
  let role: NodeRole = index === 0 ? 'control-plane' : 'worker';
  if (roleValue !== undefined) {
    if (ROLES.includes(roleValue as NodeRole)) role = roleValue as NodeRole;
    else r.fail([...path, 'role'], `must be one of ${ROLES.join(', ')}, got ${JSON.stringify(roleValue)}`, 'or leave it out (the first node is the control plane)');
  }
  if (r.problems.length > before || !name || !host || !user || !key || !nodeIp || !podCidrCidr) return undefined;
  return { name, host, port, user, key, ...(hostKey ? { hostKey } : {}), nodeIp, podCidr: formatCidr(podCidrCidr), role };
}

function validHostKey(s: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return false;
  const blob = Buffer.from(s, 'base64');
  if (blob.length < 8) return false;
  const typeLen = blob.readUInt32BE(0);
  return typeLen > 0 && typeLen < 64 && blob.length > 4 + typeLen && /^[a-z0-9@.-]+$/.test(blob.subarray(4, 4 + typeLen).toString('latin1'));
}

function crossCheckNodes(r: Reader, nodes: InventoryNode[]): void {
  nodes.forEach((n, i) => {
    const where = ['nodes', i];
    for (let j = 0; j < i; j++) {
      const m = nodes[j]!;
      if (m.name === n.name) r.fail([...where, 'name'], `${n.name} is also the name of nodes.${j}`, 'give every node its own name');
      if (m.nodeIp === n.nodeIp) r.fail([...where, 'nodeIp'], `${n.nodeIp} is also the nodeIp of ${m.name}`, 'give every node its own address');
      if (overlaps(parseCidr(m.podCidr), parseCidr(n.podCidr))) r.fail([...where, 'podCidr'], `${n.podCidr} overlaps ${m.name}'s ${m.podCidr}`, 'give every node its own pod subnet');
      if (m.host === n.host && m.port === n.port) r.fail([...where, 'host'], `${n.host}:${n.port} is also where ${m.name} is`, 'give each node its own machine');
    }
  });
  const first = nodes[0];
  const odd = nodes.find((n) => parseCidr(n.podCidr).prefix !== parseCidr(first?.podCidr ?? n.podCidr).prefix);
  if (first && odd) r.fail(['nodes', nodes.indexOf(odd), 'podCidr'], `${odd.podCidr} is not a /${parseCidr(first.podCidr).prefix} like ${first.name}'s`, 'give every node a pod subnet of the same size');
  if (nodes.length > 0 && !nodes.some((n) => n.role === 'control-plane')) {
    r.fail(['nodes', 0, 'role'], 'no node is the control-plane', 'leave role out on the first node, or set role: control-plane on one');
  }
}

function readOutside(r: Reader, hostNet?: Cidr, podNet?: Cidr): InventoryOutside | undefined {
  const path = ['outside'];
  if (r.get(path) === undefined) return r.fail(path, 'is missing', 'describe the nping echo server outside the cluster: echoHostIp, echoSecret, routerHostIp');
  if (!r.isMapAt(path)) return r.fail(path, 'must be a mapping', 'give echoHostIp, echoSecret, routerHostIp');
  r.keys(path, OUTSIDE_KEYS);
  const before = r.problems.length;
  const echoHostIp = r.ip([...path, 'echoHostIp'], 'give the address of the machine that runs `nping --echo-server SECRET --no-crypto`');
  for (const [net, label] of [[hostNet, 'hostNetwork'], [podNet, 'podNetwork']] as const) {
    if (echoHostIp && net && contains(net, echoHostIp)) r.fail([...path, 'echoHostIp'], `${echoHostIp} is inside ${label} ${formatCidr(net)}`, 'the echo host must be outside the cluster (egress is masqueraded only there)');
  }
  const echoSecret = r.string([...path, 'echoSecret'], 'give the passphrase the echo server was started with (nping --echo-server SECRET)');
  if (echoSecret !== undefined && /\s/.test(echoSecret)) r.fail([...path, 'echoSecret'], 'contains white space', 'use a passphrase without spaces');
  const echoHostName = r.optionalString([...path, 'echoHostName'], `give a host name, or leave it out for ${DEFAULT_ECHO_HOST_NAME}`) ?? DEFAULT_ECHO_HOST_NAME;
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(echoHostName)) r.fail([...path, 'echoHostName'], `${JSON.stringify(echoHostName)} is not a host name`, 'use letters, digits, dots and dashes');
  const networkCidr = r.get([...path, 'network']) === undefined ? undefined : r.cidr([...path, 'network'], 'give the echo host\'s network as a.b.c.d/n, or leave it out');
  if (networkCidr && echoHostIp && !contains(networkCidr, echoHostIp)) r.fail([...path, 'network'], `${formatCidr(networkCidr)} does not contain echoHostIp ${echoHostIp}`, 'give the echo host\'s own network, or leave it out');
  const routerHostIp = r.ip([...path, 'routerHostIp'], 'give the nodes\' gateway towards the echo host (an address on hostNetwork)');
  if (routerHostIp && hostNet && !contains(hostNet, routerHostIp)) r.fail([...path, 'routerHostIp'], `${routerHostIp} is not in hostNetwork ${formatCidr(hostNet)}`, 'give the gateway\'s address on the nodes\' network');
  const routerOutsideIp = r.get([...path, 'routerOutsideIp']) === undefined ? '' : r.ip([...path, 'routerOutsideIp'], 'give the router\'s address on the echo host\'s side, or leave it out');
  if (r.problems.length > before || !echoHostIp || !echoSecret || !routerHostIp || routerOutsideIp === undefined) return undefined;
  return {
    echoHostIp, echoSecret, echoHostName, routerHostIp, routerOutsideIp,
    network: networkCidr ? formatCidr(networkCidr) : `${echoHostIp}/32`,
  };
}
