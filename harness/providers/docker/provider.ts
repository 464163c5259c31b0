import { randomBytes } from 'node:crypto';
import { stateFromPlan, type ClusterState, type NodeState } from '../../cluster/state.ts';
import type { ClusterPlan } from '../../cluster/topology.ts';
import type { Progress } from '../../progress.ts';
import type { CreateOptions, MachineHealth, NodeTransport, Provider } from '../provider.ts';
import { need, type CreateContext } from './actions/action.ts';
import { createActions } from './actions/index.ts';
import { listContainers, removeContainers } from './containers.ts';
import { clusterRules, removeClusterRules } from './host-firewall.ts';
import { ECHO_HOST_NAME, containerName } from './names.ts';
import { listNetworks, removeNetworks, type CreatedNetwork } from './networks.ts';
import { checkDockerPrerequisites } from './prerequisites.ts';
import { DockerNodeTransport } from './transport.ts';

// The reaper image cannot be pulled here; `down` finds leftovers by label instead.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

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

  async create(plan: ClusterPlan, progress: Progress, { statePath, signal }: CreateOptions): Promise<ClusterState> {
    const ctx: CreateContext = { plan, statePath, echoSecret: randomBytes(8).toString('hex'), containerIds: new Map() };
    for (const action of createActions()) {
      signal?.throwIfAborted();
      await progress.step(action.title(ctx), () => action.execute(ctx), (note) => note ?? '');
    }
    signal?.throwIfAborted();
    return this.stateOf(ctx);
  }

  private stateOf(ctx: CreateContext): ClusterState {
    const { plan } = ctx;
    const c = plan.cluster;
    const details: DockerDetails = {
      image: need(ctx.image, 'node image').tag,
      networks: need(ctx.networks, 'networks'),
      router: containerName(c, 'router'),
      echoHost: containerName(c, 'echo'),
    };
    return stateFromPlan(plan, this.name, (n) => ctx.containerIds.get(n) ?? '', { echoHostName: ECHO_HOST_NAME, echoSecret: ctx.echoSecret }, details);
  }

  async health(state: ClusterState): Promise<MachineHealth[]> {
    const running = new Map((await listContainers(state.name)).map((c) => [c.name, c.state]));
    const machines = [...state.nodes.map((n) => n.name), 'router', 'echo'];
    return machines.map((name) => {
      const s = running.get(containerName(state.name, name));
      return { name, state: s === undefined ? 'missing' : s === 'running' ? 'running' : 'stopped' };
    });
  }

  async statePathOf(cluster: string): Promise<string | undefined> {
    return (await listContainers(cluster)).map((c) => c.statePath).find(Boolean);
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
    // Up to three rounds: an interrupted `up` may still have container creates in flight at
    // dockerd, which attach to the networks after the first round listed the containers.
    for (let round = 1; ; round++) {
      const containers = await listContainers(cluster);
      await progress.step(`remove ${containers.length} containers`, () => removeContainers(containers.map((x) => x.id)));
      const networks = await listNetworks(cluster);
      const removed = await progress.step(`remove ${networks.length} networks`, () => removeNetworks(networks, { allowFailure: round < 3 }));
      if (removed && (await listContainers(cluster)).length === 0) break;
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
