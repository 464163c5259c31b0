import type { NetConf } from '../config.ts';
import type { CniEnv } from '../env.ts';
import { CniError, ErrorCode } from '../errors.ts';
import { listRoutes, showLink, type Link } from '../ip.ts';
import { delegate } from '../ipam.ts';
import { iptablesSave, missingRules } from '../iptables.ts';
import { hostVethName } from '../names.ts';
import { checkNetns } from '../netns.ts';
import { normalizeResult, type Result } from '../result.ts';
import { ipForwardEnabled } from '../sysctl.ts';
import { atLeast } from '../versions.ts';

/** CHECK: the attachment still is what ADD returned (prevResult), down to MACs, routes and rules. */
export async function cmdCheck(conf: NetConf, env: CniEnv): Promise<void> {
  if (!atLeast(conf.cniVersion, '0.4.0')) {
    throw new CniError(ErrorCode.IncompatibleVersion, `config version ${conf.cniVersion} does not allow CHECK`, 'CHECK needs cniVersion 0.4.0 or later');
  }
  if (conf.prevResult === undefined) {
    throw new CniError(ErrorCode.InvalidConfig, 'required "prevResult" missing: CHECK compares the node against the result of ADD, pass it as prevResult');
  }
  await checkNetns(env.netns);
  const prev = normalizeResult(conf.prevResult, 'prevResult');
  await delegate(conf, env, 'CHECK');
  const problems = [
    ...checkBridge(conf, prev),
    ...checkVeth(conf, env, prev),
    ...checkPod(env, prev),
  ];
  if (missingRules(conf, iptablesSave())) problems.push('iptables rules of my-cni-plugin are missing');
  if (!(await ipForwardEnabled())) problems.push('net.ipv4.ip_forward is 0');
  if (problems.length > 0) {
    throw new CniError(ErrorCode.CheckFailed, `CHECK failed for ${env.containerId}/${env.ifname}: ${problems.join('; ')}`);
  }
}

const macOf = (prev: Result, name: string) => prev.interfaces.find((i) => i.name === name)?.mac;

function linkProblems(link: Link | undefined, name: string, kind: string, mac: string | undefined): string[] {
  if (!link) return [`${name} is missing`];
  const out: string[] = [];
  if (link.linkinfo?.info_kind !== kind) out.push(`${name} is a ${link.linkinfo?.info_kind ?? 'device'}, not a ${kind}`);
  if (!link.flags.includes('UP')) out.push(`${name} is down`);
  if (mac && link.address !== mac) out.push(`${name} has MAC ${link.address}, ADD gave ${mac}`);
  return out;
}

function checkBridge(conf: NetConf, prev: Result): string[] {
  const bridge = showLink(conf.bridge);
  const out = linkProblems(bridge, conf.bridge, 'bridge', macOf(prev, conf.bridge));
  for (const gw of new Set(prev.ips.map((ip) => ip.gateway).filter(Boolean))) {
    if (bridge && !bridge.addr_info?.some((a) => a.local === gw)) out.push(`${conf.bridge} lacks gateway ${gw}`);
  }
  return out;
}

function checkVeth(conf: NetConf, env: CniEnv, prev: Result): string[] {
  const name = hostVethName(env.containerId, env.ifname);
  const veth = showLink(name);
  const out = linkProblems(veth, name, 'veth', macOf(prev, name));
  if (veth && veth.master !== conf.bridge) out.push(`${name} is not attached to ${conf.bridge}`);
  if (veth && Boolean(veth.linkinfo?.info_slave_data?.hairpin) !== conf.hairpinMode) out.push(`${name} hairpin is not ${conf.hairpinMode ? 'on' : 'off'}`);
  return out;
}

function checkPod(env: CniEnv, prev: Result): string[] {
  const pod = showLink(env.ifname, env.netns);
  const out = linkProblems(pod, `${env.ifname} in ${env.netns}`, 'veth', macOf(prev, env.ifname));
  if (!pod) return out;
  const ifIndex = prev.interfaces.findIndex((i) => i.name === env.ifname && i.sandbox);
  for (const ip of prev.ips.filter((i) => i.interface === ifIndex)) {
    const [addr, len] = ip.address.split('/');
    if (!pod.addr_info?.some((a) => a.local === addr && a.prefixlen === Number(len))) out.push(`${env.ifname} lacks ${ip.address}`);
  }
  const routes = listRoutes(env.netns);
  for (const r of prev.routes) {
    const dst = r.dst === '0.0.0.0/0' ? 'default' : r.dst;
    if (!routes.some((x) => x.dst === dst && (!r.gw || x.gateway === r.gw))) out.push(`route ${r.dst}${r.gw ? ` via ${r.gw}` : ''} is missing`);
  }
  return out;
}
