import type { NetConf } from '../config.ts';
import type { CniEnv } from '../env.ts';
import { CniError, ErrorCode } from '../errors.ts';
import { commandFailed } from '../exec.ts';
import { deleteLink, ipBatch, ipBatchAsync, mustIpBatch, showLink } from '../ip.ts';
import { delegate, ipamAdd } from '../ipam.ts';
import { ensureRules } from '../iptables.ts';
import { contains, formatCidr, formatNetwork, macForIPv4, parseCidr, parseIPv4 } from '../ipv4.ts';
import type { Logger } from '../log.ts';
import { hostVethMac, hostVethName, vethAlias } from '../names.ts';
import { checkNetns } from '../netns.ts';
import { appendResult, normalizeResult, type Result, type Route } from '../result.ts';
import { ensureIpForward } from '../sysctl.ts';

/**
 * ADD: a veth pair from the pod into the node's bridge, an address from the IPAM plugin,
 * a default route via the bridge, and the node-wide setup (bridge, gateway, rules,
 * forwarding) checked and repaired on every call. A failure undoes what this call made,
 * newest first. The node-wide parts are shared with other pods and stay.
 */
export async function cmdAdd(conf: NetConf, env: CniEnv, log: Logger): Promise<Result> {
  await checkNetns(env.netns);
  const veth = hostVethName(env.containerId, env.ifname);
  // The same attachment again: refused before anything runs, so its address stays its own.
  if (await Bun.file(`/sys/class/net/${veth}/ifindex`).exists()) throw interfaceExists(env, veth);
  // The rules check and the IPAM plugin run beside the veth work: they do not depend on it.
  const rules = ensureRules(conf);
  const ipamResult = ipamAdd(conf, env);
  const allocated = ipamResult.then(() => true, () => false);
  const undo: { what: string; fn: () => unknown }[] = [];
  try {
    await attachVeth(conf, env, veth, log);
    undo.push({ what: `delete ${veth}`, fn: () => deleteLink(veth) });

    const ipam = await ipamResult;
    const ip = podAddress(conf, ipam);
    const routes = podRoutes(ipam.routes, conf.gateway);
    configurePod(conf, env, formatCidr(ip), routes);

    if (await rules) log.info(`installed iptables rules for ${formatNetwork(conf.podNetwork)}`);
    if (await ensureIpForward()) log.info('enabled net.ipv4.ip_forward');
    log.info(`attached ${env.ifname} ${formatCidr(ip)} via ${veth} to ${conf.bridge}`);

    const ours: Result = {
      interfaces: [
        { name: conf.bridge, mac: bridgeMac(conf) },
        { name: veth, mac: hostVethMac(env.containerId, env.ifname), mtu: conf.mtu },
        { name: env.ifname, mac: macForIPv4(ip.ip), mtu: conf.mtu, sandbox: env.netns },
      ],
      ips: [{ address: formatCidr(ip), gateway: conf.gateway, interface: 2 }],
      routes,
      dns: conf.dns ?? ipam.dns,
    };
    return conf.prevResult ? appendResult(normalizeResult(conf.prevResult, 'prevResult'), ours) : ours;
  } catch (err) {
    await rules.catch(() => undefined);
    if (await allocated) undo.push({ what: 'release the address', fn: () => delegate(conf, env, 'DEL') });
    for (const step of undo.reverse()) {
      try {
        await step.fn();
      } catch (undoErr) {
        log.warn(`rollback: could not ${step.what}: ${(undoErr as Error).message}`);
      }
    }
    throw err;
  }
}

/** A fixed MAC, so the bridge never follows its ports' MACs (it would by default). */
const bridgeMac = (conf: NetConf): string => macForIPv4(parseIPv4(conf.gateway)!);

/**
 * One `ip -batch` makes sure the bridge is up with its gateway address (both idempotent)
 * and creates the pair with the pod end directly in the pod's namespace, attached,
 * hairpinned and up. Only when the bridge is missing does a second step create it.
 */
async function attachVeth(conf: NetConf, env: CniEnv, veth: string, log: Logger): Promise<void> {
  const prefix = conf.podSubnet.prefix;
  const lines = [
    `link set dev ${conf.bridge} up`,
    `addr replace ${conf.gateway}/${prefix} dev ${conf.bridge}`,
    `link add ${veth} mtu ${conf.mtu} address ${hostVethMac(env.containerId, env.ifname)} type veth peer name ${env.ifname} mtu ${conf.mtu} netns ${env.netns}`,
    `link set dev ${veth} alias ${vethAlias(conf.name, env.containerId, env.ifname)}`,
    `link set dev ${veth} master ${conf.bridge}`,
    `link set dev ${veth} type bridge_slave hairpin ${conf.hairpinMode ? 'on' : 'off'}`,
    `link set dev ${veth} up`,
  ];
  let out = await ipBatchAsync(lines, { what: 'attaching veth' });
  if (out.failedLine === 1 && /Cannot find device|does not exist/.test(out.stderr)) {
    createBridge(conf, log);
    out = await ipBatchAsync(lines, { what: 'attaching veth' });
  }
  if (out.exitCode === 0) return;
  if (out.failedLine === 3 && /File exists/.test(out.stderr)) throw interfaceExists(env, veth);
  if ((out.failedLine ?? 0) > 3) deleteLink(veth);
  const kind = showLink(conf.bridge)?.linkinfo?.info_kind;
  if (kind && kind !== 'bridge') {
    throw new CniError(ErrorCode.InvalidConfig, `"${conf.bridge}" exists on this node but is a ${kind}, not a bridge: set "bridge" to another name`);
  }
  throw commandFailed(`attaching ${env.ifname} to ${conf.bridge}`, ['ip', '-batch', '-'], out, lines.join('\n') + '\n');
}

const interfaceExists = (env: CniEnv, veth: string): CniError =>
  new CniError(
    ErrorCode.InterfaceExists,
    `interface ${env.ifname} already exists for container ${env.containerId} (in ${env.netns}, or its host end ${veth}): DEL the earlier attachment first`,
  );

function createBridge(conf: NetConf, log: Logger): void {
  const create = [`link add ${conf.bridge} address ${bridgeMac(conf)} mtu ${conf.mtu} type bridge`];
  const out = ipBatch(create, { what: 'creating bridge' });
  // A concurrent ADD may have created it since: "File exists" is fine, its MAC is ours too.
  if (out.exitCode !== 0 && !/File exists/.test(out.stderr)) {
    throw commandFailed(`creating bridge ${conf.bridge}`, ['ip', '-batch', '-'], out, create.join('\n') + '\n');
  }
  if (out.exitCode === 0) log.info(`created bridge ${conf.bridge} ${bridgeMac(conf)} with gateway ${conf.gateway}`);
}

/** The pod's address: the IPAM's first, inside this node's pod subnet, with our gateway. */
function podAddress(conf: NetConf, ipam: Result) {
  const { address, gateway } = ipam.ips[0]!;
  const ip = parseCidr(address);
  if (!ip) throw new CniError(ErrorCode.UnsupportedField, `IPAM returned "${address}": only IPv4 addresses are supported (field ips[0].address)`);
  if (!contains(conf.podSubnet, ip.ip) || ip.prefix !== conf.podSubnet.prefix) {
    throw new CniError(ErrorCode.InvalidConfig, `IPAM returned ${address}, outside "podSubnet" ${formatNetwork(conf.podSubnet)}: make the IPAM range match podSubnet`);
  }
  if (gateway && gateway !== conf.gateway) {
    throw new CniError(ErrorCode.InvalidConfig, `IPAM gave gateway ${gateway}, the bridge holds ${conf.gateway}: set "gateway" to ${gateway} or drop the IPAM's gateway`);
  }
  return ip;
}

/** The IPAM's routes via the gateway, plus a default route if the IPAM gave none. */
function podRoutes(ipamRoutes: Route[], gateway: string): Route[] {
  const routes = ipamRoutes.map((r) => ({ ...r, gw: r.gw ?? gateway }));
  if (!routes.some((r) => r.dst === '0.0.0.0/0')) routes.push({ dst: '0.0.0.0/0', gw: gateway });
  return routes;
}

function configurePod(conf: NetConf, env: CniEnv, cidr: string, routes: Route[]): void {
  const ip = parseIPv4(cidr.split('/')[0]!)!;
  mustIpBatch(
    [
      `link set dev ${env.ifname} address ${macForIPv4(ip)}`,
      `addr add ${cidr} dev ${env.ifname}`,
      `link set dev ${env.ifname} up`,
      ...routes.map((r) => `route add ${r.dst} via ${r.gw} dev ${env.ifname}`),
    ],
    { netns: env.netns, what: `configuring ${env.ifname} in ${env.netns}` },
  );
}
