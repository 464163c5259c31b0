import type { NetConf } from './config.ts';
import { commandFailed, mustRun, runAsync } from './exec.ts';
import { formatNetwork } from './ipv4.ts';
import { withLock } from './lock.ts';
import { chainNames } from './names.ts';

/** One table's share of the plugin's rules, as `iptables-save` prints them. */
export interface TableRules {
  table: 'filter' | 'nat';
  chain: string;
  /** The rule in a built-in chain that sends traffic to ours. */
  jump: string;
  /** Where the jump goes: first in FORWARD, so a DROP policy or a later REJECT cannot win. */
  jumpInsert: string;
  rules: string[];
}

export const LOCK_FILE = '/run/my-cni-plugin.lock';
const comment = (conf: NetConf, what: string): string => `-m comment --comment "my-cni-plugin: ${conf.name} ${what}"`;

/**
 * The node-wide rules for one network: forward everything from and to the cluster pod
 * network (Docker and firewalls set FORWARD to DROP), and masquerade traffic from this
 * node's pods unless it goes to another pod or to a node.
 */
export function expectedRules(conf: NetConf): TableRules[] {
  const chains = chainNames(conf.name);
  const podNet = formatNetwork(conf.podNetwork);
  const tables: TableRules[] = [
    {
      table: 'filter',
      chain: chains.forward,
      jump: `-A FORWARD ${comment(conf, 'forward pod traffic')} -j ${chains.forward}`,
      jumpInsert: `-I FORWARD 1 ${comment(conf, 'forward pod traffic')} -j ${chains.forward}`,
      rules: [
        `-A ${chains.forward} -s ${podNet} ${comment(conf, 'from the pod network')} -j ACCEPT`,
        `-A ${chains.forward} -d ${podNet} ${comment(conf, 'to the pod network')} -j ACCEPT`,
      ],
    },
  ];
  if (conf.ipMasq) {
    const jump = `-s ${formatNetwork(conf.podSubnet)} ${comment(conf, 'masquerade pods leaving the cluster')} -j ${chains.masquerade}`;
    tables.push({
      table: 'nat',
      chain: chains.masquerade,
      jump: `-A POSTROUTING ${jump}`,
      jumpInsert: `-A POSTROUTING ${jump}`,
      rules: [
        `-A ${chains.masquerade} -d ${podNet} ${comment(conf, 'no NAT to pods')} -j RETURN`,
        `-A ${chains.masquerade} -d ${formatNetwork(conf.hostNetwork)} ${comment(conf, 'no NAT to nodes')} -j RETURN`,
        `-A ${chains.masquerade} ${comment(conf, 'masquerade to the outside')} -j MASQUERADE`,
      ],
    });
  }
  return tables;
}

/** Splits `iptables-save` output into the set of lines of each table. */
export function parseSave(save: string): Map<string, Set<string>> {
  const tables = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) tables.set(line.slice(1), (current = new Set()));
    else if (current && (line.startsWith('-A ') || line.startsWith(':'))) current.add(line.startsWith(':') ? line.split(' ')[0]! : line);
  }
  return tables;
}

/** The parts of the expected rules that are absent, as iptables-restore input; '' if none. */
export function missingRules(conf: NetConf, save: string): string {
  const present = parseSave(save);
  let restore = '';
  for (const t of expectedRules(conf)) {
    const lines = present.get(t.table) ?? new Set<string>();
    const chainOk = lines.has(`:${t.chain}`) && t.rules.every((r) => lines.has(r));
    const jumpOk = lines.has(t.jump);
    if (chainOk && jumpOk) continue;
    // Declaring our chain under --noflush empties it, so it is rewritten whole, never doubled.
    restore += `*${t.table}\n:${t.chain} - [0:0]\n${t.rules.join('\n')}\n`;
    if (!jumpOk) restore += `${t.jumpInsert}\n`;
    restore += 'COMMIT\n';
  }
  return restore;
}

export const iptablesSave = (): string => mustRun(['iptables-save'], { what: 'reading iptables rules' });

/**
 * Makes sure the rules exist: a read on the fast path (it runs beside the veth and IPAM
 * work), and only when something is missing a re-check and a write under the node lock,
 * so concurrent ADDs never duplicate a rule.
 */
export async function ensureRules(conf: NetConf): Promise<boolean> {
  const save = await runAsync(['iptables-save']);
  if (save.exitCode !== 0) throw commandFailed('reading iptables rules', ['iptables-save'], save);
  if (!missingRules(conf, save.stdout)) return false;
  return withLock(LOCK_FILE, 10_000, () => {
    const restore = missingRules(conf, iptablesSave());
    if (!restore) return false;
    mustRun(['iptables-restore', '--wait', '--noflush'], { input: restore, what: 'installing iptables rules' });
    return true;
  });
}
