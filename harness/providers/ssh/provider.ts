import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LAB_CACHE_DIR, type ClusterState, type NodeState } from '../../cluster/state.ts';
import type { ClusterPlan } from '../../cluster/topology.ts';
import { PrerequisiteError, UsageError } from '../../errors.ts';
import type { Progress } from '../../progress.ts';
import { settleAll } from '../docker/actions/settle-all.ts';
import type { CreateOptions, MachineHealth, NodeTransport, Provider } from '../provider.ts';
import { loadInventory, type Inventory, type InventoryNode } from './inventory.ts';
import { describeResidue, findResidue, removeResidue } from './lab-residue.ts';
import {
  changesPath, checkFacts, describeChange, describeNode, prepareNode, readFacts, readRecord, removeByproducts, revertRecord,
} from './node-changes.ts';
import { LazySshTransport } from './transport.ts';
import { sameController, thisController } from '../controller.ts';

/** What the ssh provider keeps in the state file beside the common fields. */
export interface SshDetails {
  inventory: string;
  machines: Record<string, { host: string; port: number; user: string; key: string; hostKey?: string }>;
}

/** The local record that finds the machines by cluster name alone (leftovers, delete, statePathOf). */
interface LocalRecord {
  cluster: string;
  statePath: string;
  inventory: Inventory;
}

export const localRecordPath = (cluster: string): string => join(LAB_CACHE_DIR, cluster, 'ssh-inventory.json');

/** The environment variable through which `--inventory FILE` reaches the provider (harness/cli/provider-options.ts). */
export const INVENTORY_ENV = 'CNI_LAB_INVENTORY';

/** Machines failed their checks: every node's problems in one message, before anything changed (printed without a stack, as any PrerequisiteError). */
export class MachineCheckError extends PrerequisiteError {
  constructor(readonly problems: string[]) {
    super(`the inventory's machines cannot be used as they are`, `nothing was changed on any machine:\n  ${problems.join('\n  ')}`);
    this.name = 'MachineCheckError';
  }
}

/** What to check when a machine cannot be reached or refuses the login. */
function connectFix(n: InventoryNode, e: unknown): string {
  const why = String((e as Error)?.message);
  if (/verification failed/i.test(why)) {
    return `the machine's host key is not the inventory's hostKey: check it against the machine's /etc/ssh/ssh_host_ed25519_key.pub (second field), or leave hostKey out`;
  }
  if (/authentication methods failed/i.test(why)) return `the key ${n.key} does not log in as ${n.user}: check user and key in the inventory`;
  return 'check host and port in the inventory, and that sshd runs there';
}

/**
 * Machines a user already has, listed in an inventory file (inventory.ts). `up` checks every
 * machine, then prepares it, recording each change on the machine (node-changes.ts); `down`
 * removes the lab's pods and plugin and reverts exactly those changes, found by cluster name.
 */
export class SshProvider implements Provider {
  readonly name = 'ssh';
  private readonly transports = new Map<string, LazySshTransport>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Nothing to check on this machine: ssh2 is a dependency. The inventory is read by `up`, before any machine is touched. */
  async checkPrerequisites(): Promise<void> {
    const file = this.env[INVENTORY_ENV];
    if (file) loadInventory(file);
  }

  private inventoryFromEnv(): Inventory | undefined {
    const file = this.env[INVENTORY_ENV];
    return file ? loadInventory(file) : undefined;
  }

  /** Host keys that unpinned machines offered on this run's first connection (node name -> key). */
  private readonly offeredKeys = new Map<string, string>();

  private connect(cluster: string, n: InventoryNode): LazySshTransport {
    const key = `${cluster}/${n.name}`;
    let t = this.transports.get(key);
    if (!t) {
      t = new LazySshTransport(n.name, {
        host: n.host, port: n.port, user: n.user, privateKey: readFileSync(n.key), readyTimeoutMs: 15_000,
        ...(n.hostKey ? { hostKey: n.hostKey } : { onHostKey: (k: string) => this.offeredKeys.set(n.name, k) }),
      });
      this.transports.set(key, t);
    }
    return t;
  }

  async create(plan: ClusterPlan, progress: Progress, { statePath, signal }: CreateOptions): Promise<ClusterState> {
    const c = plan.cluster;
    const step = async <T>(title: string, run: () => Promise<T>, note?: (v: T) => string): Promise<T> => {
      signal?.throwIfAborted();
      return progress.step(title, run, note);
    };
    const inv = await step('inventory', async () => {
      const i = this.inventoryFromEnv();
      if (!i) throw new UsageError(`--provider ssh needs its machines: --inventory FILE (harness/providers/ssh/README.md)`);
      return i;
    }, (i) => `${i.file}: ${i.nodes.length} nodes`);
    const unpinned = inv.nodes.filter((n) => !n.hostKey).map((n) => n.name);
    if (unpinned.length > 0) {
      progress.info(`no hostKey for ${unpinned.join(', ')}: the host key each offers now is pinned for every later command (give hostKey to check the first connection too)`);
    }

    await step(`connect to ${inv.nodes.length} machines`, () => this.checkAll(c, inv, async (n, t) => {
      try {
        await t.connect();
        return [];
      } catch (e) {
        return [`${describeNode(n)}: ${(e as Error).message}: ${connectFix(n, e)}`];
      }
    }));
    const facts = await step('check every machine (root, ip, iptables, nping, podman, runc, nodeIp, echo host)', async () => {
      const all = new Map<string, Awaited<ReturnType<typeof readFacts>>>();
      await this.checkAll(c, inv, async (n, t) => {
        const f = await readFacts(t, inv, n, c);
        all.set(n.name, f);
        return checkFacts(f, inv, n, c).map((p) => `${describeNode(n)}: ${p}`);
      });
      return all;
    });

    // Trust on first use: every later connection (install, pods, down, from the state or the local record) pins the key seen now.
    for (const n of inv.nodes) if (!n.hostKey && this.offeredKeys.has(n.name)) n.hostKey = this.offeredKeys.get(n.name)!;
    await mkdir(dirname(localRecordPath(c)), { recursive: true });
    const record: LocalRecord = { cluster: c, statePath, inventory: inv };
    await writeFile(localRecordPath(c), `${JSON.stringify(record, null, 2)}\n`);

    // All nodes at once; each line appears as its node is done.
    await settleAll(inv.nodes.map((n) =>
      step(`prepare ${describeNode(n)}`, () => prepareNode(this.connect(c, n), inv, n, facts.get(n.name)!, c, statePath, thisController()), (changes) =>
        changes.length > 0 ? changes.map(describeChange).join(', ') : 'nothing to change')));
    const details: SshDetails = {
      inventory: inv.file,
      machines: Object.fromEntries(inv.nodes.map((n) => [n.name, { host: n.host, port: n.port, user: n.user, key: n.key, ...(n.hostKey ? { hostKey: n.hostKey } : {}) }])),
    };
    return {
      schemaVersion: 1,
      provider: this.name,
      name: c,
      createdAt: new Date().toISOString(),
      hostNetwork: inv.hostNetwork,
      podNetwork: inv.podNetwork,
      nodeCidrMaskSize: inv.nodeCidrMaskSize,
      nodes: inv.nodes.map((n): NodeState => ({ name: n.name, role: n.role, ip: n.nodeIp, podCidr: n.podCidr, id: `${n.user}@${n.host}:${n.port}` })),
      outside: {
        network: inv.outside.network, routerHostIp: inv.outside.routerHostIp, routerOutsideIp: inv.outside.routerOutsideIp,
        echoHostIp: inv.outside.echoHostIp, echoHostName: inv.outside.echoHostName, echoSecret: inv.outside.echoSecret,
      },
      providerDetails: details as unknown as Record<string, unknown>,
    };
  }

  /** Runs a check on every machine at once and throws one error listing every machine's problems. */
  private async checkAll(cluster: string, inv: Inventory, check: (n: InventoryNode, t: LazySshTransport) => Promise<string[]>): Promise<void> {
    const results = await Promise.allSettled(inv.nodes.map((n) => check(n, this.connect(cluster, n))));
    const problems = results.flatMap((r, i) => (r.status === 'fulfilled' ? r.value : [`${describeNode(inv.nodes[i]!)}: ${(r.reason as Error).message}`]));
    if (problems.length > 0) throw new MachineCheckError(problems);
  }

  private async localRecord(cluster: string): Promise<LocalRecord | undefined> {
    const file = localRecordPath(cluster);
    if (!existsSync(file)) return undefined;
    return JSON.parse(await readFile(file, 'utf8')) as LocalRecord;
  }

  /** The machines of a cluster: from the local record, else from --inventory (a record lost with a checkout). */
  private async machinesOf(cluster: string): Promise<{ inv: Inventory; fromRecord: boolean } | undefined> {
    const local = await this.localRecord(cluster);
    if (local) return { inv: local.inventory, fromRecord: true };
    const inv = this.inventoryFromEnv();
    return inv ? { inv, fromRecord: false } : undefined;
  }

  /**
   * The state file of the cluster's `up`: from the local record, else from the records on the
   * machines. A record that another machine wrote is refused here: its state file is not ours to
   * read, and without this `up` would take that cluster for a crashed `up` of its own and revert
   * it. (A record that another checkout on this machine wrote names that checkout's state file,
   * which `up` then refuses to take over while it exists.)
   */
  async statePathOf(cluster: string): Promise<string | undefined> {
    const local = await this.localRecord(cluster);
    if (local) return local.statePath;
    const inv = this.inventoryFromEnv();
    if (!inv) return undefined;
    // Unreachable machines are reported by the checks that follow, with their fixes.
    const records = await Promise.all(inv.nodes.map((n) => readRecord(this.connect(cluster, n), cluster).catch(() => undefined)));
    const me = thisController();
    for (const [i, r] of records.entries()) {
      if (!r?.owner || sameController(r.owner, me)) continue;
      const n = inv.nodes[i]!;
      throw new UsageError(
        `cluster ${cluster} on ${describeNode(n)} was brought up from another machine, ${r.owner.host} (state file ${r.statePath} there; ${changesPath(cluster)} here): ` +
          `run \`./cluster.sh down\` there, or give this cluster another --name. If that machine's checkout is gone for good, ` +
          `\`./cluster.sh down --provider ssh --name ${cluster} --inventory ${inv.file}\` reverts its changes from here`,
      );
    }
    return records.find((r) => r)?.statePath;
  }

  /**
   * Each node: does `true` run over SSH. The router and the echo host are not the lab's to
   * reach: one echo probe from the first reachable node says whether both are there.
   */
  async health(state: ClusterState): Promise<MachineHealth[]> {
    const nodes = await Promise.all(
      state.nodes.map(async (n): Promise<MachineHealth> => {
        const r = await this.transport(state, n).exec(['true'], { allowFailure: true }).catch(() => undefined);
        return { name: n.name, state: r?.exitCode === 0 ? 'running' : 'missing' };
      }),
    );
    const from = state.nodes.find((_, i) => nodes[i]!.state === 'running');
    const o = state.outside;
    const probe = from
      ? await this.transport(state, from)
        .exec(['nping', '--echo-client', o.echoSecret, '--no-crypto', '--delay', '10ms', '--tcp', '-p', '80', '-c', '1', o.echoHostIp], { allowFailure: true })
        .catch(() => undefined)
      : undefined;
    const outside = probe && /^CAPT /m.test(probe.stdout) ? 'running' : 'missing';
    return [...nodes, { name: 'router', state: outside, external: true }, { name: 'echo', state: outside, external: true }];
  }

  async leftovers(cluster: string): Promise<string[]> {
    const m = await this.machinesOf(cluster);
    if (!m) return [];
    const found: string[] = [];
    await this.checkAll(cluster, m.inv, async (n, t) => {
      try {
        const record = await readRecord(t, cluster);
        const residue = record ? describeResidue(await findResidue(t)) : [];
        found.push(...[...(record?.changes ?? []).map(describeChange), ...residue, ...(record ? [changesPath(cluster)] : [])].map((x) => `${describeNode(n)}: ${x}`));
        return [];
      } catch (e) {
        return [`${describeNode(n)}: ${(e as Error).message}: ${connectFix(n, e)}${m.fromRecord ? ` (cluster ${cluster}'s machines as ${localRecordPath(cluster)} recorded them)` : ''}`];
      }
    });
    return [...found, ...(m.fromRecord ? [`local record ${localRecordPath(cluster)}`] : [])];
  }

  async delete(cluster: string, progress: Progress): Promise<void> {
    const m = await this.machinesOf(cluster);
    if (!m) {
      progress.info(`cluster ${cluster}: no record at ${localRecordPath(cluster)} and no --inventory: nothing to revert`);
      return;
    }
    const results = await Promise.allSettled(
      m.inv.nodes.map((n) =>
        progress.step(`revert ${describeNode(n)}`, async () => {
          const t = this.connect(cluster, n);
          const record = await readRecord(t, cluster);
          // Only a machine that this cluster prepared has lab pods and a plugin of this cluster's.
          if (!record) return 'nothing of this cluster';
          const found = await findResidue(t);
          const residue = describeResidue(found);
          await removeResidue(t, found, record.linksBefore);
          residue.push(...(await removeByproducts(t, record)));
          await revertRecord(t, record);
          return [
            ...(residue.length > 0 ? [`removed ${residue.join(', ')}`] : []),
            `reverted ${record.changes.length > 0 ? record.changes.map(describeChange).join(', ') : 'nothing (up changed nothing)'}`,
          ].join('; ');
        }, (done) => done),
      ),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${describeNode(m.inv.nodes[i]!)}: ${(r.reason as Error).message}`] : []));
    if (failed.length > 0) {
      // The local record stays, so the next down finds the failed machines again (the reverted ones say so).
      throw new Error(`down of cluster ${cluster} failed on ${failed.length} of ${m.inv.nodes.length} machines (run it again once they are reachable):\n  ${failed.join('\n  ')}`);
    }
    for (const t of this.transports.values()) await t.close();
    this.transports.clear();
    await rm(localRecordPath(cluster), { force: true });
    // The cluster's cache directory, if nothing else is in it (another provider's files may be).
    await rmdir(dirname(localRecordPath(cluster))).catch(() => {});
  }

  transport(state: ClusterState, node: NodeState): NodeTransport {
    const d = state.providerDetails as unknown as SshDetails;
    const mach = d.machines?.[node.name];
    if (!mach) throw new Error(`the state of cluster ${state.name} has no machine for node ${node.name}`);
    return this.connect(state.name, { name: node.name, ...mach, nodeIp: node.ip, podCidr: node.podCidr, role: node.role });
  }
}
