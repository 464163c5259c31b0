import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCidr, overlaps, parseCidr } from '../../cluster/cidr.ts';
import { stateFromPlan, type ClusterState, type NodeState } from '../../cluster/state.ts';
import type { ClusterPlan } from '../../cluster/topology.ts';
import { UsageError } from '../../errors.ts';
import { hostExec } from '../../host-exec.ts';
import type { Progress } from '../../progress.ts';
import { failureCollector, settleAll } from '../docker/actions/settle-all.ts';
import { echoHostCommands, nodeCommands, routerCommands } from '../docker/machine-config.ts';
import { ECHO_HOST_NAME } from '../docker/names.ts';
import type { CreateOptions, MachineHealth, NodeTransport, Provider } from '../provider.ts';
import { QemuNodeTransport } from './transport.ts';
import { chooseAccel, forcedAccel, type Accel } from './accel.ts';
import { ensureVmImage, type VmImage } from './image.ts';
import { consoleDir, MGMT_NETWORK, netnsName, runDir, tapName, vmName } from './names.ts';
import { clusterLinks, clusterNetns, createBridgeAndTaps, createRouterAndEcho, forwardRules, removeNetwork } from './network.ts';
import { NetnsTransport } from './netns-transport.ts';
import { checkQemuPrerequisites } from './prerequisites.ts';
import { alive, freePort, runningVms, startVm, waitForSsh, type VmSpec } from './vm.ts';

/** What the qemu provider keeps in the state file beside the common fields. */
export interface QemuDetails {
  accel: Accel;
  accelReason: string;
  image: string;
  kernelVersion: string;
  /** The lab's private key (root on every VM). */
  privateKey: string;
  vms: Record<string, { pid: number; sshPort: number; hostKey: string; console: string }>;
  router: string;
  echoHost: string;
}

const STATE_PATH_FILE = 'state-path';

function bootTimeoutMs(accel: Accel, vms: number, env: NodeJS.ProcessEnv = process.env): number {
  const s = env.CNI_LAB_QEMU_BOOT_TIMEOUT;
  if (s !== undefined && s !== '') {
    if (!/^\d+$/.test(s) || Number(s) < 1) throw new UsageError(`CNI_LAB_QEMU_BOOT_TIMEOUT=${JSON.stringify(s)}: expected whole seconds`);
    return Number(s) * 1000;
  }
  // Under TCG the VMs share this machine's cores: more VMs, slower boots.
  return accel === 'kvm' ? 60_000 : 90_000 + 15_000 * vms;
}

function memoryMb(env: NodeJS.ProcessEnv = process.env): number {
  const s = env.CNI_LAB_QEMU_MEMORY ?? '512';
  if (!/^\d+$/.test(s) || Number(s) < 256) throw new UsageError(`CNI_LAB_QEMU_MEMORY=${JSON.stringify(s)}: expected MiB, at least 256`);
  return Number(s);
}

/**
 * Nodes as QEMU VMs on this machine, each with its own Debian kernel: the seed's topology on
 * a host bridge, the router and the echo host as network namespaces, SSH from this machine
 * through each VM's own user network on loopback.
 */
export class QemuProvider implements Provider {
  readonly name = 'qemu';
  private readonly transports = new Map<string, QemuNodeTransport>();

  checkPrerequisites(): Promise<void> {
    return checkQemuPrerequisites();
  }

  async create(plan: ClusterPlan, progress: Progress, { statePath, signal }: CreateOptions): Promise<ClusterState> {
    const c = plan.cluster;
    const dir = runDir(c);
    const step = async <T>(title: string, run: () => Promise<T>, note?: (v: T) => string): Promise<T> => {
      signal?.throwIfAborted();
      return progress.step(title, run, note);
    };
    // The environment's settings are checked before anything is built or made.
    const memory = memoryMb();
    bootTimeoutMs('tcg', plan.nodes.length);
    forcedAccel();
    await step('ranges', async () => checkMgmtRange(plan));
    // qemu takes file names inside comma-separated option lists.
    if (dir.includes(',')) throw new UsageError(`the lab's cache ${dir} has a comma in its path, which qemu's options cannot take: use a checkout without one`);
    await mkdir(join(dir, 'share'), { recursive: true });
    await writeFile(join(dir, STATE_PATH_FILE), statePath);
    await mkdir(consoleDir(c), { recursive: true });
    const image = await step('VM image', ensureVmImage, (i) =>
      i.built ? `built ${i.id} in ${i.buildSeconds!.toFixed(0)} s (kernel ${i.kernelVersion})` : `${i.id} (kernel ${i.kernelVersion}, cached)`,
    );
    const accel = await step('acceleration', () => chooseAccel(image), (a) => `${a.accel}: ${a.reason}`);
    const echoSecret = randomBytes(8).toString('hex');
    await step('host network: bridge, taps, FORWARD rule', () => createBridgeAndTaps(plan));
    await step('router and echo host (network namespaces)', () => createRouterAndEcho(plan, echoSecret, join(dir, 'echo-nping.log')));
    const keyPath = join(dir, 'id_ed25519');
    await hostExec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `cni-lab ${c}`, '-f', keyPath], { what: 'generate the lab SSH key' });
    const publicKey = (await readFile(`${keyPath}.pub`, 'utf8')).split(' ')[1]!;
    const privateKey = await readFile(keyPath);
    const specs: VmSpec[] = [];
    for (const [i, node] of plan.nodes.entries()) {
      specs.push({
        cluster: c, node, hostPrefix: parseCidr(plan.hostNetwork).prefix, gateway: plan.routerHostIp, nameserver: plan.echoHostIp,
        tap: tapName(c, i), image, overlay: join(dir, `${node.name}.qcow2`), console: join(consoleDir(c), `${node.name}.log`),
        pidFile: join(dir, `${node.name}.pid`), share: join(dir, 'share'), sshPort: await freePort(new Set(specs.map((x) => x.sshPort))), publicKey, echoSecret, accel: accel.accel, memoryMb: memory,
      });
    }
    const vms = await step(`${specs.length} VM${specs.length === 1 ? '' : 's'} (${accel.accel}): boot to SSH`, () => bootAll(specs, privateKey, signal), () => `consoles in ${consoleDir(c)}`);
    const details: QemuDetails = {
      accel: accel.accel, accelReason: accel.reason, image: image.id, kernelVersion: image.kernelVersion, privateKey: keyPath,
      vms: Object.fromEntries(specs.map((s, i) => [s.node.name, { ...vms[i]!, sshPort: s.sshPort, console: s.console }])),
      router: netnsName(c, 'router'), echoHost: netnsName(c, 'echo'),
    };
    const state = stateFromPlan(plan, this.name, (n) => vmName(c, n), { echoHostName: ECHO_HOST_NAME, echoSecret }, details);
    await step('routes, /etc/hosts and router rules', () => this.configure(plan, state));
    return state;
  }

  private async configure(plan: ClusterPlan, state: ClusterState): Promise<void> {
    const hosts = [
      '127.0.0.1 localhost',
      `${plan.echoHostIp} ${ECHO_HOST_NAME}`,
      ...plan.nodes.map((n) => `${n.ip} ${n.name}`),
      '',
    ].join('\n');
    const dir = runDir(plan.cluster);
    await writeFile(join(dir, 'hosts'), hosts);
    const router = this.machine(plan.cluster, 'router');
    const echo = this.machine(plan.cluster, 'echo');
    await settleAll([
      (async () => {
        for (const argv of routerCommands(plan)) await router.exec(argv, { what: 'configure the router' });
      })(),
      (async () => {
        for (const argv of echoHostCommands(plan)) await echo.exec(argv, { what: 'configure the echo host' });
      })(),
      ...state.nodes.map(async (n) => {
        const t = this.transport(state, n);
        await t.copy(join(dir, 'hosts'), '/etc/hosts');
        for (const argv of nodeCommands(plan, n.name)) await t.exec(argv, { what: `configure ${n.name}` });
      }),
    ]);
  }

  async statePathOf(cluster: string): Promise<string | undefined> {
    const file = join(runDir(cluster), STATE_PATH_FILE);
    return existsSync(file) ? (await readFile(file, 'utf8')).trim() : undefined;
  }

  async health(state: ClusterState): Promise<MachineHealth[]> {
    const running = new Set((await runningVms(state.name)).map((v) => v.node));
    const netns = new Set(await clusterNetns(state.name));
    return [
      ...state.nodes.map((n): MachineHealth => ({ name: n.name, state: running.has(n.name) ? 'running' : 'missing' })),
      ...(['router', 'echo'] as const).map((m): MachineHealth => ({ name: m, state: netns.has(netnsName(state.name, m)) ? 'running' : 'missing' })),
    ];
  }

  async leftovers(cluster: string): Promise<string[]> {
    const [vms, links, netns, rules] = await Promise.all([runningVms(cluster), clusterLinks(cluster), clusterNetns(cluster), forwardRules(cluster)]);
    const dir = runDir(cluster);
    return [
      ...vms.map((v) => `VM ${vmName(cluster, v.node)} (qemu pid ${v.pid})`),
      ...links.map((l) => `link ${l}`),
      ...netns.map((n) => `network namespace ${n}`),
      ...rules.map((r) => `host rule FORWARD ${r.join(' ')}`),
      ...(existsSync(dir) ? [`directory ${dir} (overlays, pid files, key)`] : []),
    ];
  }

  async delete(cluster: string, progress: Progress): Promise<void> {
    for (const t of this.transports.values()) await t.close();
    this.transports.clear();
    // Every step runs even when one before it failed: a stuck VM must not keep the bridge, the
    // host rule and the overlays; what failed is reported together at the end.
    const { failed, attempt } = failureCollector();
    await attempt(progress.step('stop VMs', () => stopVms(cluster), (n) => `${n} qemu processes`));
    await attempt(progress.step('remove the network', () => removeNetwork(cluster)));
    await attempt(progress.step('remove overlays and keys', () => rm(runDir(cluster), { recursive: true, force: true }), () => runDir(cluster)));
    if (failed.length > 0) throw new Error(`down of cluster ${cluster} left something behind:\n  ${failed.join('\n  ')}`);
  }

  transport(state: ClusterState, node: NodeState): NodeTransport {
    const key = `${state.name}/${node.name}`;
    let t = this.transports.get(key);
    if (!t) {
      const d = state.providerDetails as unknown as QemuDetails;
      const vm = d.vms[node.name];
      if (!vm) throw new Error(`the state of cluster ${state.name} has no VM for node ${node.name}`);
      const target = { host: '127.0.0.1', port: vm.sshPort, user: 'root', privateKey: readFileSync(d.privateKey), hostKey: vm.hostKey };
      t = new QemuNodeTransport(node.name, target, join(runDir(state.name), 'share'));
      this.transports.set(key, t);
    }
    return t;
  }

  /** The transport to the router or the echo host (network namespaces on this machine). */
  machine(cluster: string, name: 'router' | 'echo'): NodeTransport {
    return new NetnsTransport(name, netnsName(cluster, name));
  }
}

/** qemu's user network for SSH must not shadow a lab range inside the VMs. */
function checkMgmtRange(plan: ClusterPlan): void {
  const mgmt = parseCidr(MGMT_NETWORK);
  for (const [flag, cidr] of [['--host-network', plan.hostNetwork], ['--pod-network', plan.podNetwork], ['--outside-network', plan.outsideNetwork]] as const) {
    if (overlaps(mgmt, parseCidr(cidr))) {
      throw new UsageError(`${flag} ${cidr} overlaps ${formatCidr(mgmt)}, which the qemu provider uses for SSH to its VMs: choose another range`);
    }
  }
}

async function bootAll(specs: VmSpec[], privateKey: Buffer, signal?: AbortSignal): Promise<{ pid: number; hostKey: string }[]> {
  const timeout = bootTimeoutMs(specs[0]!.accel, specs.length);
  // The first VM that fails ends the others' waits: up fails at once, not after the whole boot timeout.
  const failed = new AbortController();
  const stop = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  return settleAll(
    specs.map(async (s) => {
      try {
        const pid = await startVm(s);
        const hostKey = await waitForSsh(s, pid, privateKey, timeout, stop);
        return { pid, hostKey };
      } catch (e) {
        failed.abort(e);
        throw e;
      }
    }),
  );
}

/** SIGTERM (qemu exits at once), then SIGKILL for any that is still there after 3 s; a VM that outlives that is an error. */
async function stopVms(cluster: string): Promise<number> {
  const vms = await runningVms(cluster);
  for (const v of vms) kill(v.pid, 'SIGTERM');
  const waitFor = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (vms.some((v) => alive(v.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  };
  await waitFor(3000);
  for (const v of vms) if (alive(v.pid)) kill(v.pid, 'SIGKILL');
  await waitFor(5000);
  const stuck = vms.filter((v) => alive(v.pid));
  if (stuck.length > 0) throw new Error(`VMs of cluster ${cluster} did not exit after SIGKILL: ${stuck.map((v) => `${v.node} (qemu pid ${v.pid})`).join(', ')}`);
  return vms.length;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // exited already
  }
}

export type { VmImage };
