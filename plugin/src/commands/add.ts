import type { NetConf } from '../config.ts';
import type { CniEnv } from '../env.ts';
import { CniError, ErrorCode } from '../errors.ts';
import { commandFailed } from '../exec.ts';
import { ipBatch, mustIpBatch, showLink, deleteLink, type Link } from '../ip.ts';
import { delegate, ipamAdd } from '../ipam.ts';
import { ensureRules } from '../iptables.ts';
import { contains, formatCidr, formatIPv4, formatNetwork, macForIPv4, parseCidr, parseIPv4 } from '../ipv4.ts';
import type { Logger } from '../log.ts';
import { hostVethMac, hostVethName, vethAlias } from '../names.ts';
import { checkNetns } from '../netns.ts';
import { appendResult, normalizeResult, type Result, type Route } from '../result.ts';
import { ensureIpForward } from '../sysctl.ts';

/**
 * ADD: a veth pair from the pod into the node's bridge, an address from the IPAM plugin,
 * a default route via the bridge, and the node-wide setup (bridge, rules, forwarding)
 * checked and repaired on every call. A failure undoes what this call made, newest first.
 */
export async function cmdAdd(conf: NetConf, env: CniEnv, log: Logger): Promise<Result> {
  checkNetns(env.netns);
  const undo: { what: string; fn: () => void }[] = [];
  try {
    const bridge = ensureBridge(conf, log);
    const veth = createVeth(conf, env);
    undo.push({ what: `delete ${veth}`, fn: () => deleteLink(veth) });

    const ipam = ipamAdd(conf, env);
    undo.push({ what: 'release the address', fn: () => delegate(conf, env, 'DEL') });
    const ip = podAddress(conf, ipam);
    const gateway = ipam.ips[0]!.gateway ?? formatIPv4(conf.podSubnet.network + 1);

    ensureGatewayAddress(conf, bridge, `${gateway}/${ip.prefix}`, log);
    if (await ensureRules(conf)) log.info(`installed iptables rules for ${formatNetwork(conf.podNetwork)}`);
    if (ensureIpForward()) log.info('enabled net.ipv4.ip_forward');

    const routes = podRoutes(ipam.routes, gateway);
    configurePod(conf, env, formatCidr(ip), routes);
    log.info(`attached ${env.ifname} ${formatCidr(ip)} via ${veth} to ${conf.bridge}`);

    const ours: Result = {
      interfaces: [
        { name: conf.bridge, mac: bridge.address },
        { name: veth, mac: hostVethMac(env.containerId, env.ifname), mtu: conf.mtu },
        { name: env.ifname, mac: macForIPv4(ip.ip), mtu: conf.mtu, sandbox: env.netns },
      ],
      ips: [{ address: formatCidr(ip), gateway, interface: 2 }],
      routes,
      dns: conf.dns ?? ipam.dns,
    };
    return conf.prevResult ? appendResult(normalizeResult(conf.prevResult, 'prevResult'), ours) : ours;
  } catch (err) {
    for (const step of undo.reverse()) {
      try {
        step.fn();
      } catch (undoErr) {
        log.warn(`rollback: could not ${step.what}: ${(undoErr as Error).message}`);
      }
    }
    throw err;
  }
}

/** The bridge exists, is a bridge and is up; created with a fixed MAC so it never follows its ports'. */
function ensureBridge(conf: NetConf, log: Logger): Link {
  const existing = showLink(conf.bridge);
  if (existing) {
    if (existing.linkinfo?.info_kind !== 'bridge') {
      throw new CniError(ErrorCode.InvalidConfig, `"${conf.bridge}" exists on this node but is a ${existing.linkinfo?.info_kind ?? 'device'}, not a bridge: set "bridge" to another name`);
    }
    if (!existing.flags.includes('UP')) mustIpBatch([`link set dev ${conf.bridge} up`], { what: `bringing ${conf.bridge} up` });
    return existing;
  }
  const mac = macForIPv4(conf.podSubnet.network + 1);
  const create = [`link add ${conf.bridge} address ${mac} mtu ${conf.mtu} type bridge`];
  const out = ipBatch(create, { what: 'creating bridge' });
  // A concurrent ADD may have created it since our read: "File exists" is fine, and its MAC is ours too.
  if (out.exitCode !== 0 && !/File exists/.test(out.stderr)) {
    throw commandFailed(`creating bridge ${conf.bridge}`, ['ip', '-batch', '-'], out, create.join('\n') + '\n');
  }
  mustIpBatch([`link set dev ${conf.bridge} up`], { what: `bringing ${conf.bridge} up` });
  if (out.exitCode === 0) log.info(`created bridge ${conf.bridge} ${mac}`);
  return { ifname: conf.bridge, address: mac, mtu: conf.mtu, flags: ['UP'], addr_info: [] };
}

/** Creates the pair with the pod end directly in the pod's namespace, attached, hairpinned and up. */
function createVeth(conf: NetConf, env: CniEnv): string {
  const veth = hostVethName(env.containerId, env.ifname);
  const lines = [
    `link add ${veth} mtu ${conf.mtu} address ${hostVethMac(env.containerId, env.ifname)} type veth peer name ${env.ifname} mtu ${conf.mtu} netns ${env.netns}`,
    `link set dev ${veth} alias ${vethAlias(conf.name, env.containerId, env.ifname)}`,
    `link set dev ${veth} master ${conf.bridge}`,
    `link set dev ${veth} type bridge_slave hairpin ${conf.hairpinMode ? 'on' : 'off'}`,
    `link set dev ${veth} up`,
  ];
  const out = ipBatch(lines, { what: 'creating veth' });
  if (out.exitCode === 0) return veth;
  if (out.failedLine === 1 && /File exists/.test(out.stderr)) {
    throw new CniError(
      ErrorCode.InterfaceExists,
      `interface ${env.ifname} already exists for container ${env.containerId} (in ${env.netns}, or its host end ${veth}): DEL the earlier attachment first`,
    );
  }
  if (out.failedLine !== 1) deleteLink(veth);
  throw new CniError(ErrorCode.CommandFailed, `creating veth ${veth} for ${env.ifname}: ${out.stderr.trim()}`, `ip -batch - <<'EOF'\n${lines.join('\n')}\nEOF`);
}

/** The pod's address: the IPAM's first IPv4 address, which must lie in this node's pod subnet. */
function podAddress(conf: NetConf, ipam: Result) {
  const address = ipam.ips[0]!.address;
  const ip = parseCidr(address);
  if (!ip) throw new CniError(ErrorCode.UnsupportedField, `IPAM returned "${address}": only IPv4 addresses are supported (field ips[0].address)`);
  if (!contains(conf.podSubnet, ip.ip)) {
    throw new CniError(ErrorCode.InvalidConfig, `IPAM returned ${address}, outside "podSubnet" ${formatNetwork(conf.podSubnet)}: make the IPAM range match podSubnet`);
  }
  return ip;
}

function ensureGatewayAddress(conf: NetConf, bridge: Link, cidr: string, log: Logger): void {
  const [gw] = cidr.split('/');
  if (bridge.addr_info?.some((a) => a.family === 'inet' && a.local === gw)) return;
  // `replace` is idempotent: concurrent first ADDs all succeed and leave one address.
  mustIpBatch([`addr replace ${cidr} dev ${conf.bridge}`], { what: `adding gateway ${cidr} to ${conf.bridge}` });
  log.info(`gateway ${cidr} on ${conf.bridge}`);
}

/** The IPAM's routes via the gateway, plus a default route if the IPAM gave none. */
function podRoutes(ipamRoutes: Route[], gateway: string): Route[] {
  const routes = ipamRoutes.map((r) => ({ ...r, gw: r.gw ?? gateway }));
  const isDefault = (r: Route) => r.dst === '0.0.0.0/0';
  if (!routes.some(isDefault)) routes.push({ dst: '0.0.0.0/0', gw: gateway });
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
