import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import type { ClusterPlan } from '../../cluster/topology.ts';
import { parseCidr } from '../../cluster/cidr.ts';
import { hostExec } from '../../host-exec.ts';
import { failureCollector } from '../docker/actions/settle-all.ts';
import { splitRule } from '../docker/host-firewall.ts';
import { bridgeName, forwardRuleComment, isClusterLinkName, linkAlias, netnsName, routerLinkName, tapName } from './names.ts';

/**
 * The qemu lab's network on this machine: a bridge for the host network (no address on the
 * host side, so the host is not part of the lab and two labs may use the same ranges), one
 * tap per VM in it, and the router and the echo host as network namespaces: the router with
 * a leg on the bridge and one towards the echo host.
 */

const ip = (...args: string[]) => hostExec(['ip', ...args], { what: `ip ${args.join(' ')}` });

/** The bridge, the taps and the host's FORWARD rule: what the VMs need before they start. */
export async function createBridgeAndTaps(plan: ClusterPlan): Promise<void> {
  const c = plan.cluster;
  const br = bridgeName(c);
  await ip('link', 'add', br, 'type', 'bridge');
  await ip('link', 'set', br, 'alias', linkAlias(c));
  await ip('link', 'set', br, 'up');
  for (let i = 0; i < plan.nodes.length; i++) {
    const tap = tapName(c, i);
    await ip('tuntap', 'add', 'dev', tap, 'mode', 'tap');
    await ip('link', 'set', tap, 'alias', linkAlias(c));
    await ip('link', 'set', tap, 'master', br, 'up');
  }
  await allowBridge(c);
}

/**
 * The host has br_netfilter on (Docker loads it) and Docker's FORWARD policy is DROP, so
 * frames between two ports of the bridge cross the host's FORWARD chain and die there
 * (docs/environment.md). One ACCEPT for frames in and out of this bridge, found by comment.
 */
export function forwardRule(cluster: string): string[] {
  const br = bridgeName(cluster);
  return ['-i', br, '-o', br, '-m', 'comment', '--comment', forwardRuleComment(cluster), '-j', 'ACCEPT'];
}

async function allowBridge(cluster: string): Promise<void> {
  await hostExec(['iptables', '-w', '-I', 'FORWARD', '1', ...forwardRule(cluster)], { what: 'allow bridged traffic in the host FORWARD chain' });
}

export async function forwardRules(cluster: string): Promise<string[][]> {
  const res = await hostExec(['iptables', '-w', '-S', 'FORWARD'], { what: 'list FORWARD rules' });
  const comment = forwardRuleComment(cluster);
  return res.stdout
    .split('\n')
    .map(splitRule)
    .filter((argv) => argv[0] === '-A' && argv[1] === 'FORWARD' && argv[argv.indexOf('--comment') + 1] === comment)
    .map((argv) => argv.slice(2));
}

/** The router and echo host namespaces, their links and addresses, and the echo server. */
export async function createRouterAndEcho(plan: ClusterPlan, echoSecret: string, echoLog: string): Promise<number> {
  const c = plan.cluster;
  const router = netnsName(c, 'router');
  const echo = netnsName(c, 'echo');
  const hostPrefix = parseCidr(plan.hostNetwork).prefix;
  const outsidePrefix = parseCidr(plan.outsideNetwork).prefix;
  await ip('netns', 'add', router);
  await ip('netns', 'add', echo);
  const rl = routerLinkName(c);
  await ip('link', 'add', rl, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', router);
  await ip('link', 'set', rl, 'alias', linkAlias(c));
  await ip('link', 'set', rl, 'master', bridgeName(c), 'up');
  await ip('-n', router, 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', echo);
  for (const [ns, dev, addr] of [
    [router, 'eth0', `${plan.routerHostIp}/${hostPrefix}`],
    [router, 'eth1', `${plan.routerOutsideIp}/${outsidePrefix}`],
    [echo, 'eth0', `${plan.echoHostIp}/${outsidePrefix}`],
  ] as const) {
    await ip('-n', ns, 'addr', 'add', addr, 'dev', dev);
    await ip('-n', ns, 'link', 'set', dev, 'up');
  }
  for (const ns of [router, echo]) {
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    // Probes that expect "unreachable" must get it at once, not one a second (docs/environment.md).
    await hostExec(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.icmp_ratelimit=0', 'net.ipv4.ip_forward=1'], {
      what: `sysctls of ${ns}`,
    });
  }
  return startEchoServer(echo, echoSecret, echoLog);
}

/** `nping --echo-server` in the echo namespace, detached; `down` finds it by its namespace. */
function startEchoServer(ns: string, secret: string, logFile: string): Promise<number> {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn('ip', ['netns', 'exec', ns, 'nping', '--echo-server', secret, '--no-crypto', '--interface', 'any'], {
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid!));
    });
  } finally {
    closeSync(fd);
  }
}

/** The cluster's host links (bridge, taps, the router's leg), found by alias or by name. */
export async function clusterLinks(cluster: string): Promise<string[]> {
  const res = await hostExec(['ip', '-j', 'link', 'show'], { what: 'list links' });
  const links = JSON.parse(res.stdout) as { ifname: string; ifalias?: string }[];
  return links.filter((l) => l.ifalias === linkAlias(cluster) || isClusterLinkName(cluster, l.ifname)).map((l) => l.ifname);
}

/** The cluster's network namespaces that exist. */
export async function clusterNetns(cluster: string): Promise<string[]> {
  const res = await hostExec(['ip', '-j', 'netns', 'list'], { what: 'list network namespaces' });
  const names = new Set((JSON.parse(res.stdout || '[]') as { name: string }[]).map((n) => n.name));
  return (['router', 'echo'] as const).map((m) => netnsName(cluster, m)).filter((n) => names.has(n));
}

/** Processes that run in a namespace of the cluster (the echo server), by namespace. */
export async function netnsPids(ns: string): Promise<number[]> {
  const res = await hostExec(['ip', 'netns', 'pids', ns], { what: `list processes in ${ns}`, allowFailure: true });
  return res.stdout.split('\n').filter(Boolean).map(Number);
}

/** Removes the namespaces (after their processes), the links and the FORWARD rule; safe to repeat. */
export async function removeNetwork(cluster: string): Promise<void> {
  // Each part even when one before it failed; the failures together at the end.
  const { failed, attempt } = failureCollector();
  for (const ns of await clusterNetns(cluster)) {
    for (const pid of await netnsPids(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await attempt(ip('netns', 'del', ns));
  }
  for (const link of await clusterLinks(cluster)) {
    await hostExec(['ip', 'link', 'del', link], { what: `remove link ${link}`, allowFailure: true });
  }
  for (const rule of await forwardRules(cluster)) {
    await attempt(hostExec(['iptables', '-w', '-D', 'FORWARD', ...rule], { what: 'remove the FORWARD rule' }));
  }
  if (failed.length > 0) throw new Error(failed.join('\n  '));
}
