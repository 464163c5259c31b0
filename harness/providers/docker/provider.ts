import { randomBytes } from 'node:crypto';
import type { ClusterState, NodeState } from '../../cluster/state.ts';
import type { ClusterPlan } from '../../cluster/topology.ts';
import type { Progress } from '../../progress.ts';
import type { MachineHealth, NodeTransport, Provider } from '../provider.ts';
import { listContainers, removeContainers } from './containers.ts';
import { checkRangesFree, hostRoutes } from './host-routes.ts';
import { allowBridge, clusterRules, removeClusterRules } from './host-firewall.ts';
import { startLabContainer, type LabContainerSpec } from './lab-container.ts';
import { echoHostCommands, nodeCommands, routerCommands } from './machine-config.ts';
import { containerName, networkName } from './names.ts';
import { createNetwork, listNetworks, removeNetworks, type CreatedNetwork } from './networks.ts';
import { ensureNodeImage, type NodeImage } from './node-image.ts';
import { checkDockerPrerequisites } from './prerequisites.ts';
import { DockerNodeTransport } from './transport.ts';

// The reaper image cannot be pulled here; `down` finds leftovers by label instead.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

export const ECHO_HOST_NAME = 'echo.nmap.org';

/** What the docker provider keeps in the state file beside the common fields. */
export interface DockerDetails {
  image: string;
  networks: CreatedNetwork[];
  /** Container names of the helper machines. */
  router: string;
  echoHost: string;
}

/** The lab: nodes as containers on --internal Docker networks, built from Debian packages. */
export class DockerProvider implements Provider {
  readonly name = 'docker';

  checkPrerequisites(): Promise<void> {
    return checkDockerPrerequisites();
  }

  async create(plan: ClusterPlan, progress: Progress): Promise<ClusterState> {
    const c = plan.cluster;
    await progress.step('address ranges free on this machine', async () => checkRangesFree(plan, await hostRoutes()));
    const image = await progress.step('node image', () => ensureNodeImage(), imageNote);
    const networks = await progress.step(
      'networks',
      () =>
        Promise.all([
          createNetwork(c, { net: 'vpc', subnet: plan.hostNetwork, gateway: plan.hostGateway }),
          createNetwork(c, { net: 'outside', subnet: plan.outsideNetwork, gateway: plan.outsideGateway }),
        ]),
      (nets) => nets.map((n) => `${n.name} (${n.bridge})`).join(', '),
    );
    await progress.step(
      'host rules: DOCKER-USER accepts bridged lab traffic',
      () => Promise.all(networks.map((n) => allowBridge(c, n.bridge))),
    );
    const echoSecret = randomBytes(8).toString('hex');
    const specs = machineSpecs(plan, image.tag, echoSecret);
    const started = await progress.step(`machines: ${plan.nodes.length} nodes, router, echo host`, () =>
      settleAll(specs.map((s) => startLabContainer(s))),
    );
    const ids = new Map(specs.map((s, i) => [s.hostname, started[i]!.getId()]));
    await progress.step('routes and router rules', () =>
      settleAll([
        runAll(this.machine(c, 'router'), routerCommands(plan)),
        runAll(this.machine(c, 'echo'), echoHostCommands(plan)),
        ...plan.nodes.map((n) => runAll(this.machine(c, n.name), nodeCommands(plan, n.name))),
      ]),
    );
    const details: DockerDetails = { image: image.tag, networks, router: containerName(c, 'router'), echoHost: containerName(c, 'echo') };
    return {
      schemaVersion: 1,
      provider: this.name,
      name: c,
      createdAt: new Date().toISOString(),
      hostNetwork: plan.hostNetwork,
      podNetwork: plan.podNetwork,
      nodeCidrMaskSize: plan.nodeCidrMaskSize,
      nodes: plan.nodes.map((n): NodeState => ({ ...n, id: ids.get(n.name) ?? '' })),
      outside: {
        network: plan.outsideNetwork,
        routerHostIp: plan.routerHostIp,
        routerOutsideIp: plan.routerOutsideIp,
        echoHostIp: plan.echoHostIp,
        echoHostName: ECHO_HOST_NAME,
        echoSecret,
      },
      providerDetails: details as unknown as Record<string, unknown>,
    };
  }

  async health(state: ClusterState): Promise<MachineHealth[]> {
    const running = new Map((await listContainers(state.name)).map((c) => [c.name, c.state]));
    const machines = [...state.nodes.map((n) => n.name), 'router', 'echo'];
    return machines.map((name) => {
      const s = running.get(containerName(state.name, name));
      return { name, state: s === undefined ? 'missing' : s === 'running' ? 'running' : 'stopped' };
    });
  }

  async leftovers(cluster: string): Promise<string[]> {
    const [containers, networks, rules] = await Promise.all([listContainers(cluster), listNetworks(cluster), clusterRules(cluster)]);
    return [
      ...containers.map((x) => `container ${x.name} (${x.state})`),
      ...networks.map((n) => `network ${n}`),
      ...rules.map((r) => `host rule DOCKER-USER ${r.join(' ')}`),
    ];
  }

  async delete(cluster: string, progress: Progress): Promise<void> {
    // Twice round: a killed `up` may still have a container create in flight at dockerd.
    for (let round = 0; round < 2; round++) {
      const containers = await listContainers(cluster);
      await progress.step(`remove ${containers.length} containers`, () => removeContainers(containers.map((x) => x.id)));
      const networks = await listNetworks(cluster);
      await progress.step(`remove ${networks.length} networks`, () => removeNetworks(networks));
      if ((await listContainers(cluster)).length === 0) break;
    }
    await progress.step('remove host rules', () => removeClusterRules(cluster), (n) => `${n} DOCKER-USER rules`);
  }

  transport(state: ClusterState, node: NodeState): NodeTransport {
    // By name rather than id: the pasteable command in an error stays readable.
    return new DockerNodeTransport(node.name, containerName(state.name, node.name));
  }

  /** The transport to any machine of the cluster by its name (nodes, router, echo). */
  machine(cluster: string, name: string): NodeTransport {
    return new DockerNodeTransport(name, containerName(cluster, name));
  }
}

function machineSpecs(plan: ClusterPlan, image: string, echoSecret: string): LabContainerSpec[] {
  const c = plan.cluster;
  const vpc = networkName(c, 'vpc');
  const outside = networkName(c, 'outside');
  const env = { CNI_LAB_ECHO_SECRET: echoSecret };
  const hosts = [
    { host: ECHO_HOST_NAME, ipAddress: plan.echoHostIp },
    ...plan.nodes.map((n) => ({ host: n.name, ipAddress: n.ip })),
  ];
  const base = { cluster: c, image, env, extraHosts: hosts };
  return [
    { ...base, role: 'router', name: containerName(c, 'router'), hostname: 'router',
      attachments: [{ network: vpc, ip: plan.routerHostIp }, { network: outside, ip: plan.routerOutsideIp }] },
    { ...base, role: 'echo', name: containerName(c, 'echo'), hostname: 'echo',
      attachments: [{ network: outside, ip: plan.echoHostIp }] },
    ...plan.nodes.map((n): LabContainerSpec => ({
      ...base, role: n.role, name: containerName(c, n.name), hostname: n.name,
      attachments: [{ network: vpc, ip: n.ip }],
    })),
  ];
}

async function runAll(t: NodeTransport, cmds: string[][]): Promise<void> {
  for (const argv of cmds) await t.exec(argv, { what: `configure ${t.node}` });
}

/** Like Promise.all, but waits for every promise before throwing the first error, so nothing is still starting when the caller cleans up. */
async function settleAll<T>(ps: Promise<T>[]): Promise<T[]> {
  const res = await Promise.allSettled(ps);
  const failed = res.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return res.map((r) => (r as PromiseFulfilledResult<T>).value);
}

function imageNote(img: NodeImage): string {
  const mb = `${Math.round(img.sizeBytes / 1e6)} MB`;
  return img.built ? `built ${img.tag} in ${img.buildSeconds?.toFixed(1)}s, ${mb}` : `${img.tag} (cached, ${mb})`;
}
