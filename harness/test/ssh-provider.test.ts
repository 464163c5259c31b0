/**
 * The ssh provider against machines that are "someone else's": the qemu provider's VMs
 * (cluster sshvms), made to look unprepared first (no pod-subnet routes but one, IP
 * forwarding off, no echo host name, an echo server on one node only). Each test compares
 * every node's snapshot before `up` with the one after `down` (or after a refused `up`).
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultStatePath, readState, type ClusterState, type NodeState } from '../cluster/state.ts';
import { hostExec } from '../host-exec.ts';
import { diffSnapshots, takeSnapshot, type NetSnapshot } from '../install/snapshot.ts';
import type { NodeTransport } from '../providers/provider.ts';
import { QemuProvider, type QemuDetails } from '../providers/qemu/provider.ts';
import { freePort } from '../providers/qemu/vm.ts';
import { changesPath, readRecord, writeRecord } from '../providers/ssh/node-changes.ts';
import { thisController } from '../providers/controller.ts';
import { localRecordPath, type SshDetails } from '../providers/ssh/provider.ts';
import { failedIds, runE2e } from './e2e-run.ts';

const VMS = 'sshvms';
const E2E_MS = 1_800_000;

let vms: ClusterState;
const qemu = new QemuProvider();
let dir: string;
let inventoryFile: string;
/** The inventory as YAML data, for tests that break one field of it. */
interface InventoryDoc {
  podNetwork: string;
  nodes: { name: string; port: number; key: string; hostKey?: string; nodeIp?: string }[];
  [field: string]: unknown;
}
let inventory: InventoryDoc;
const before = new Map<string, Snapshot>();
/** Whether this file brought the VMs up (then afterAll takes them down). */
let madeVms = false;

interface Snapshot {
  net: NetSnapshot;
  ipForward: string;
  hosts: string;
  nping: string[];
  labFiles: string;
}

const on = (n: NodeState): NodeTransport => qemu.transport(vms, n);

async function snapshot(n: NodeState): Promise<Snapshot> {
  const t = on(n);
  const run = async (argv: string[]) => (await t.exec(argv, { what: `snapshot ${argv.join(' ')}`, allowFailure: true })).stdout;
  const [netAll, ipForward, hosts, nping, labFiles] = await Promise.all([
    takeSnapshot(t),
    run(['sysctl', '-n', 'net.ipv4.ip_forward']),
    run(['cat', '/etc/hosts']),
    run(['pgrep', '-a', 'nping']),
    // What the lab's install and pods leave beside the network (the pod image is looked at after down).
    run(['sh', '-c', 'ls -a /var/lib/cni-lab /var/lib/cni /etc/cni/net.d /opt/cni/bin /usr/local/bin 2>&1; true']),
  ]);
  // The qemu provider's management NIC (SSH from this machine) and its IPv6 router
  // advertisements come and go on their own: not part of the machine the lab prepares.
  const net = { ...netAll, routes: netAll.routes.filter((r) => !r.includes('dev=mgmt0') && !r.includes('expires=')) };
  // A killed process whose parent never reaps it stays as "[nping] <defunct>": not a server.
  return { net, ipForward: ipForward.trim(), hosts, nping: nping.split('\n').filter((l) => l && !l.includes('<defunct>')).sort(), labFiles };
}

/** Every difference between a node's snapshot before `up` and now, as readable lines. */
async function changedSinceBefore(n: NodeState): Promise<string[]> {
  const a = before.get(n.name)!;
  const b = await snapshot(n);
  const out = diffSnapshots(a.net, b.net).map((l) => `${n.name}: ${l}`);
  if (a.ipForward !== b.ipForward) out.push(`${n.name}: ip_forward ${a.ipForward} -> ${b.ipForward}`);
  if (a.hosts !== b.hosts) out.push(`${n.name}: /etc/hosts ${JSON.stringify(a.hosts)} -> ${JSON.stringify(b.hosts)}`);
  if (a.nping.join('\n') !== b.nping.join('\n')) out.push(`${n.name}: nping ${JSON.stringify(a.nping)} -> ${JSON.stringify(b.nping)}`);
  if (a.labFiles !== b.labFiles) out.push(`${n.name}: files ${JSON.stringify(a.labFiles)} -> ${JSON.stringify(b.labFiles)}`);
  return out;
}

async function allChanged(): Promise<string[]> {
  return (await Promise.all(vms.nodes.map(changedSinceBefore))).flat();
}

/** nping processes in the VM's own network namespace (the qemu init's echo server). */
async function npingPids(t: NodeTransport): Promise<string[]> {
  const r = await t.exec(['pgrep', '-x', 'nping'], { allowFailure: true });
  return r.stdout.split('\n').filter(Boolean);
}

function cli(argv: string[]) {
  return hostExec(argv, { what: argv.join(' '), allowFailure: true });
}

function writeInventory(name: string, data: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof data === 'string' ? data : stringify(data));
  return file;
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

beforeAll(async () => {
  const statePath = defaultStatePath(VMS);
  if (!existsSync(statePath)) {
    const up = await cli(['./cluster.sh', 'up', '--provider', 'qemu', '--name', VMS, '--workers', '2']);
    if (up.exitCode !== 0) throw new Error(`qemu VMs for the ssh provider did not come up:\n${up.stderr}`);
    madeVms = true;
  }
  vms = (await readState(statePath))!;
  const d = vms.providerDetails as unknown as QemuDetails;
  const [master, w1, w2] = vms.nodes;
  // Someone else's machines: IP forwarding off, no echo host name, no pod-subnet routes but
  // the master's own one to worker-2 (up must keep it), and an echo server with the lab's
  // passphrase on worker-2 only (up must use it and down must leave it running).
  for (const n of vms.nodes) {
    const t = on(n);
    for (const o of vms.nodes) if (o !== n && !(n === master && o === w2)) await t.exec(['ip', 'route', 'del', o.podCidr], { allowFailure: true });
    await t.exec(['sysctl', '-qw', 'net.ipv4.ip_forward=0'], { what: 'IP forwarding off' });
    await t.exec(['sh', '-c', 'grep -v "$1" /etc/hosts >/tmp/hosts; cat /tmp/hosts >/etc/hosts; rm /tmp/hosts', 'hosts', vms.outside.echoHostName], { what: 'forget the echo host' });
    if (n !== w2) for (const pid of await npingPids(t)) await t.exec(['kill', '-KILL', pid], { what: 'stop the qemu init\'s echo server' });
  }
  for (const n of vms.nodes) before.set(n.name, await snapshot(n));
  expect(before.get(w1!.name)!.nping).toEqual([]);
  expect(before.get(w2!.name)!.nping).toHaveLength(1);

  dir = mkdtempSync(join(tmpdir(), 'cni-lab-ssh-provider-'));
  inventory = {
    hostNetwork: vms.hostNetwork,
    podNetwork: vms.podNetwork,
    nodes: vms.nodes.map((n) => ({
      name: n.name,
      host: '127.0.0.1',
      port: d.vms[n.name]!.sshPort,
      user: 'root',
      key: relative(dir, d.privateKey),
      // worker-2 unpinned: up pins what it offers.
      ...(n === w2 ? {} : { hostKey: d.vms[n.name]!.hostKey }),
      nodeIp: n.ip,
      podCidr: n.podCidr,
    })),
    outside: {
      echoHostIp: vms.outside.echoHostIp,
      echoSecret: vms.outside.echoSecret,
      echoHostName: vms.outside.echoHostName,
      network: vms.outside.network,
      routerHostIp: vms.outside.routerHostIp,
      routerOutsideIp: vms.outside.routerOutsideIp,
    },
  };
  inventoryFile = writeInventory('inventory.yaml', inventory);
}, 600_000);

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  // KEEP_VMS=1 keeps them for the next run (while working on the provider).
  if (process.env.KEEP_VMS !== '1' && (madeVms || existsSync(defaultStatePath(VMS)))) await cli(['./cluster.sh', 'down', '--name', VMS]);
}, 300_000);

describe('ssh provider on the qemu VMs', () => {
  it('refuses a bad inventory or an unreachable machine with a clear error, and changes nothing', async () => {
    const cases: { name: string; edit: (inv: InventoryDoc) => unknown; error: RegExp }[] = [
      { name: 'missing field', edit: (inv) => delete inv.nodes[1]!.nodeIp, error: /missing-field\.yaml:\d+:\d+: nodes\.1\.nodeIp: is missing; give the node's address/ },
      { name: 'bad CIDR', edit: (inv) => (inv.podNetwork = '200.200.0.0/33'), error: /bad-CIDR\.yaml:2:\d+: podNetwork: invalid network "200\.200\.0\.0\/33"/ },
      { name: 'missing key', edit: (inv) => (inv.nodes[2]!.key = 'no-such-key'), error: /missing-key\.yaml:\d+:\d+: nodes\.2\.key: .*no-such-key cannot be read \(ENOENT\); give an existing private key file/ },
      { name: 'closed port', edit: async (inv) => (inv.nodes[1]!.port = await freePort()), error: /my-k8s-worker-1 \(root@127\.0\.0\.1:\d+\): cannot reach my-k8s-worker-1 over SSH at root@127\.0\.0\.1:\d+: connect ECONNREFUSED.*: check host and port in the inventory/ },
      { name: 'wrong nodeIp', edit: (inv) => ([inv.nodes[0]!.nodeIp, inv.nodes[1]!.nodeIp] = [inv.nodes[1]!.nodeIp, inv.nodes[0]!.nodeIp]), error: /my-k8s-master \(root@127\.0\.0\.1:\d+\): nodeIp 10\.0\.0\.3 is not an address of this machine \(it has .*10\.0\.0\.2.*\): fix nodeIp/ },
      { name: 'other host key', edit: (inv) => (inv.nodes[0]!.hostKey = inv.nodes[1]!.hostKey), error: /my-k8s-master \(root@127\.0\.0\.1:\d+\): cannot reach my-k8s-master over SSH .*verification failed.*: the machine's host key is not the inventory's hostKey/ },
    ];
    for (const c of cases) {
      const inv = clone(inventory);
      await c.edit(inv);
      const file = writeInventory(`${c.name.replace(/ /g, '-')}.yaml`, inv);
      const up = await cli(['./cluster.sh', 'up', '--provider', 'ssh', '--inventory', file, '--name', 'sshbad']);
      expect(up.exitCode, `${c.name}: ${up.stderr}`).not.toBe(0);
      expect(up.stderr, c.name).toMatch(c.error);
      expect(up.stderr, c.name).toMatch(/nothing was changed on any machine/);
      expect(existsSync(localRecordPath('sshbad')), c.name).toBe(false);
      expect(existsSync(defaultStatePath('sshbad')), c.name).toBe(false);
    }
    expect(await allChanged()).toEqual([]);
  }, 600_000);

  it('up prepares the machines; down without the state file reverts exactly that, found by cluster name', async () => {
    const name = 'sshdown';
    const up = await cli(['./cluster.sh', 'up', '--provider', 'ssh', '--inventory', inventoryFile, '--name', name]);
    expect(up.exitCode, up.stderr).toBe(0);
    const [master, w1, w2] = vms.nodes;
    // What up did: IP forwarding, routes that were absent, the echo host's name, echo servers where none ran.
    const changed = await allChanged();
    expect(changed).toEqual(expect.arrayContaining([
      `${master!.name}: ip_forward 0 -> 1`,
      expect.stringMatching(new RegExp(`^${w1!.name}: routes \\+ dst=${w2!.podCidr.replace(/[./]/g, '\\$&')} gateway=${w2!.ip} `)),
      expect.stringMatching(new RegExp(`^${w2!.name}: /etc/hosts .*${vms.outside.echoHostIp.replace(/\./g, '\\.')} ${vms.outside.echoHostName} # cni-lab ${name}`)),
      expect.stringMatching(new RegExp(`^${master!.name}: nping \\[\\] -> \\["\\d+ nping --echo-server`)),
    ]));
    expect(changed.filter((l) => l.startsWith(`${master!.name}: routes - `))).toEqual([]);
    expect(changed.filter((l) => l.startsWith(`${w2!.name}: nping`))).toEqual([]);
    // worker-2 has no hostKey in the inventory: the key it offered at up is pinned in the state and the local record.
    const d = vms.providerDetails as unknown as QemuDetails;
    const sshState = (await readState(defaultStatePath(name)))!.providerDetails as unknown as SshDetails;
    expect(sshState.machines[w2!.name]!.hostKey).toBe(d.vms[w2!.name]!.hostKey);
    expect(JSON.parse(readFileSync(localRecordPath(name), 'utf8')).inventory.nodes[2].hostKey).toBe(d.vms[w2!.name]!.hostKey);
    const record = await on(master!).exec(['cat', changesPath(name)]);
    expect(JSON.parse(record.stdout)).toMatchObject({ cluster: name, statePath: defaultStatePath(name), owner: thisController() });
    // A second up reports the cluster; status reaches every node.
    const again = await cli(['./cluster.sh', 'up', '--provider', 'ssh', '--inventory', inventoryFile, '--name', name]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already up/);
    const status = await cli(['./cluster.sh', 'status', '--name', name]);
    expect(status.stdout.match(/ running/g) ?? []).toHaveLength(3);

    unlinkSync(defaultStatePath(name));
    const down = await cli(['./cluster.sh', 'down', '--provider', 'ssh', '--name', name]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/revert my-k8s-master/);
    expect(await allChanged()).toEqual([]);
    expect(existsSync(localRecordPath(name))).toBe(false);
    const twice = await cli(['./cluster.sh', 'down', '--provider', 'ssh', '--name', name]);
    expect(twice.exitCode, twice.stderr).toBe(0);
    expect(twice.stderr).toMatch(/nothing to remove/);

    // Even without the local record, --inventory finds the machines again.
    expect((await cli(['./cluster.sh', 'up', '--provider', 'ssh', '--inventory', inventoryFile, '--name', name])).exitCode).toBe(0);
    const prepared = await allChanged();
    // Another checkout, here or on another machine, without this one's local record: its up
    // must not take the cluster for a crashed up of its own and revert it.
    const otherState = join(dir, 'other-checkout-state.json');
    copyFileSync(defaultStatePath(name), otherState);
    unlinkSync(defaultStatePath(name));
    unlinkSync(localRecordPath(name));
    const mine = (await readRecord(on(master!), name))!;
    await writeRecord(on(master!), { ...mine, statePath: otherState });
    const hereToo = await cli(['./cluster.sh', 'up', '--provider', 'ssh', '--inventory', inventoryFile, '--name', name]);
    expect(hereToo.exitCode).not.toBe(0);
    expect(hereToo.stderr).toContain(`cluster ${name} already runs, described by ${otherState}`);
    await writeRecord(on(master!), { ...mine, owner: { host: 'elsewhere', machineId: '0'.repeat(32) } });
    const elsewhere = await cli(['./cluster.sh', 'up', '--provider', 'ssh', '--inventory', inventoryFile, '--name', name]);
    expect(elsewhere.exitCode).not.toBe(0);
    expect(elsewhere.stderr).toMatch(new RegExp(`cluster ${name} on ${master!.name} \\(root@127\\.0\\.0\\.1:\\d+\\) was brought up from another machine, elsewhere .*run \`\\./cluster\\.sh down\` there`));
    expect(await allChanged()).toEqual(prepared);
    expect(existsSync(localRecordPath(name))).toBe(false);
    // down --inventory is what takes a gone checkout's changes back.
    const byInventory = await cli(['./cluster.sh', 'down', '--provider', 'ssh', '--name', name, '--inventory', inventoryFile]);
    expect(byInventory.exitCode, byInventory.stderr).toBe(0);
    expect(await allChanged()).toEqual([]);
  }, 600_000);

  it('runs the seed flow end to end (npm run test:e2e -- --project ssh) and leaves the machines as they were', async () => {
    // The e2e run uses the default cluster name, lab: it must not be someone else's cluster.
    const lab = defaultStatePath('lab');
    if (existsSync(lab)) throw new Error(`${lab} exists: a cluster named lab is up (${(await readState(lab))?.provider}); take it down first, the e2e run needs that name`);
    const run = await runE2e(['--project', 'ssh', '--inventory', inventoryFile]);
    expect(run.exitCode, run.output.slice(-4000)).toBe(0);
    expect(failedIds(run)).toEqual({ junit: [], matrix: [] });
    const passed = [...run.junit.values()].filter((s) => s === 'passed').length;
    expect(passed, run.output.slice(-2000)).toBeGreaterThanOrEqual(50);
    expect(run.junit.size).toBe(passed);
    expect(run.output).toMatch(/revert my-k8s-worker-2/);
    // Down also removed the pods, the plugin (with --purge) and the pod image that the run put there.
    expect(await allChanged()).toEqual([]);
    for (const n of vms.nodes) {
      const r = await on(n).exec(['sh', '-c', 'podman pod ps -q | wc -l; podman images -q | wc -l']);
      expect(r.stdout, `${n.name}: pods, images`).toBe('0\n0\n');
    }
    expect(existsSync(lab)).toBe(false);
    expect(existsSync(localRecordPath('lab'))).toBe(false);
    console.log(`ssh provider e2e: ${passed} cells passed`);
  }, E2E_MS);
});
