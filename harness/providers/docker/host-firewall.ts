import { hostExec } from '../../host-exec.ts';
import { ruleComment } from './names.ts';

/**
 * The host has br_netfilter on, so bridged frames between lab containers cross the host's
 * FORWARD chain, where Docker drops those of an --internal network whose addresses are outside
 * the network's subnet: pod addresses (200.200.x.x) between nodes, lab addresses on the outside
 * network. One ACCEPT per lab bridge in DOCKER-USER (which Docker evaluates first) lets them
 * pass; it matches only frames that enter and leave the same lab bridge.
 */
export function acceptRule(cluster: string, bridge: string): string[] {
  return ['-i', bridge, '-o', bridge, '-m', 'comment', '--comment', ruleComment(cluster, bridge), '-j', 'ACCEPT'];
}

export async function allowBridge(cluster: string, bridge: string): Promise<void> {
  const rule = acceptRule(cluster, bridge);
  const present = await hostExec(['iptables', '-w', '-C', 'DOCKER-USER', ...rule], { what: 'check DOCKER-USER rule', allowFailure: true });
  if (present.exitCode === 0) return;
  await hostExec(['iptables', '-w', '-I', 'DOCKER-USER', '1', ...rule], { what: `allow bridged traffic on ${bridge}` });
}

/** The cluster's rules as `iptables -S` prints them (without the -A DOCKER-USER), found by comment. */
export async function clusterRules(cluster: string): Promise<string[][]> {
  const res = await hostExec(['iptables', '-w', '-S', 'DOCKER-USER'], { what: 'list DOCKER-USER rules', allowFailure: true });
  // No DOCKER-USER chain (dockerd never started): nothing of ours can be there.
  if (res.exitCode !== 0) return [];
  return res.stdout
    .split('\n')
    .map(splitRule)
    .filter((argv) => argv[0] === '-A' && argv[1] === 'DOCKER-USER' && ownedBy(argv, cluster))
    .map((argv) => argv.slice(2));
}

/** Deletes exactly the rules whose comment names this cluster; other rules are never touched. */
export async function removeClusterRules(cluster: string): Promise<number> {
  const rules = await clusterRules(cluster);
  for (const rule of rules) {
    await hostExec(['iptables', '-w', '-D', 'DOCKER-USER', ...rule], { what: 'remove DOCKER-USER rule' });
  }
  return rules.length;
}

function ownedBy(argv: string[], cluster: string): boolean {
  const i = argv.indexOf('--comment');
  return i >= 0 && (argv[i + 1] ?? '').startsWith(`cni-lab cluster=${cluster} `);
}

/** Splits one line of `iptables -S` into argv, undoing its double quotes. */
export function splitRule(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  }
  return out;
}
