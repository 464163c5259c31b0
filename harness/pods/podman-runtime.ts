import { stringify } from 'yaml';
import type { ClusterState, NodeState } from '../cluster/state.ts';
import { CommandError } from '../errors.ts';
import type { ExecResult } from '../host-exec.ts';
import { readManifest } from '../install/manifest.ts';
import { writeNodeFile } from '../install/node-files.ts';
import { settleAll } from '../providers/docker/actions/settle-all.ts';
import type { NodeTransport, Provider } from '../providers/provider.ts';
import { importPodImage } from './node-image-import.ts';
import { placePods } from './placement.ts';
import { podForCluster, type PodDoc } from './pod-manifest.ts';
import { ensurePodImage, POD_IMAGE } from './pod-image.ts';
import type { ApplyResult, DeleteResult, PodInfo, PodRuntime } from './pod-runtime.ts';
import { parseEvents, podsFromPodman, setupError, type PodmanInfra, type PodmanPod } from './podman-pods.ts';

/** Where apply keeps each pod's manifest and, when its network setup failed, the error. */
const POD_DIR = '/var/lib/cni-lab/pods';

/**
 * The lab's pod runtime: the harness places each pod on a node, and that node's podman runs
 * it with `podman kube play --network <installed network>`, so podman's libcni calls the
 * plugin (ADD on start, DEL on removal). The harness never calls the plugin itself.
 */
export class PodmanRuntime implements PodRuntime {
  readonly name = 'podman';

  constructor(
    private readonly state: ClusterState,
    private readonly provider: Provider,
  ) {}

  private on(n: NodeState): NodeTransport {
    return this.provider.transport(this.state, n);
  }

  async apply(pods: PodDoc[]): Promise<ApplyResult[]> {
    const running = new Map((await this.list()).map((p) => [p.name, p.node]));
    const place = placePods(pods, this.state.nodes, running);
    const usesLabImage = pods.some((p) => p.doc.spec.containers.some((c) => c.image === POD_IMAGE));
    const image = usesLabImage ? await ensurePodImage() : undefined;
    const byNode = this.state.nodes.map((n) => ({ n, mine: pods.filter((p) => place.get(p.name) === n.name) })).filter((x) => x.mine.length > 0);
    // Every node's installed network first: nothing starts unless every pod has a network to run on.
    const installed = await Promise.all(byNode.map(({ n }) => readManifest(this.on(n))));
    const bare = byNode.filter((_, i) => !installed[i]);
    if (bare.length > 0) {
      throw new CommandError(
        `run pods ${bare.flatMap((b) => b.mine.map((p) => p.name)).join(', ')}`, bare.map((b) => b.n.name).join(', '), './plugin.sh install', 1,
        'no CNI plugin is installed on these nodes: run ./plugin.sh install first',
      );
    }
    // The image (and my-nping) go to every node, not only to those that get pods now: a
    // later pod may land anywhere, and my-nping probes from any node, the master included.
    if (image) await settleAll(this.state.nodes.map((n) => importPodImage(this.on(n), image)));
    const results = await settleAll(
      byNode.map(async ({ n, mine }, i) => {
        const node = this.on(n);
        // One pod at a time per node, each with its own kube play: a failed ADD is then that pod's alone.
        const out: ApplyResult[] = [];
        for (const p of mine) out.push(await this.play(node, n, p, installed[i]!.network, running.has(p.name)));
        return out;
      }),
    );
    const flat = results.flat();
    return pods.map((p) => flat.find((r) => r.name === p.name)!);
  }

  private async play(node: NodeTransport, n: NodeState, p: PodDoc, network: string, exists: boolean): Promise<ApplyResult> {
    const t0 = performance.now();
    const result = (outcome: ApplyResult['outcome'], message?: string): ApplyResult => ({
      name: p.name, node: n.name, outcome, ...(message ? { message } : {}), ms: performance.now() - t0,
    });
    if (exists) {
      const state = await node.exec(['podman', 'pod', 'inspect', '--format', '{{.State}}', p.name], { what: `inspect pod ${p.name}` });
      if (state.stdout.trim() === 'Running') return result('unchanged');
    }
    const yaml = stringify(podForCluster(p.doc, { echoSecret: this.state.outside.echoSecret, dropNodeName: true }));
    const file = `${POD_DIR}/${p.name}.yaml`;
    await writeNodeFile(node, file, yaml);
    await node.exec(['rm', '-f', `${POD_DIR}/${p.name}.event`], { what: `clear the last event of ${p.name}` });
    const play = await node.exec(['podman', 'kube', 'play', '--replace', '--network', network, file], { what: `kube play pod ${p.name}`, allowFailure: true });
    if (play.exitCode === 0) return result('created');
    const message = setupError(play.stderr || play.stdout);
    await writeNodeFile(node, `${POD_DIR}/${p.name}.event`, `${message}\n`);
    return result('failed', message);
  }

  async list(): Promise<PodInfo[]> {
    const perNode = await Promise.all(this.state.nodes.map((n) => this.listNode(n)));
    return perNode.flat();
  }

  private async listNode(n: NodeState): Promise<PodInfo[]> {
    const node = this.on(n);
    const ps = await node.exec(['podman', 'pod', 'ps', '--format', 'json'], { what: 'list pods' });
    const pods = JSON.parse(ps.stdout || '[]') as PodmanPod[];
    if (pods.length === 0) return [];
    const [inspect, events] = await Promise.all([
      node.exec(['podman', 'inspect', '--type', 'container', '--format', 'json', ...pods.map((p) => p.InfraId)], { what: 'inspect infra containers' }),
      node.exec(['find', POD_DIR, '-name', '*.event', '-exec', 'grep', '-H', '', '{}', '+'], { allowFailure: true }),
    ]);
    return podsFromPodman(n, pods, JSON.parse(inspect.stdout) as PodmanInfra[], parseEvents(events.stdout));
  }

  private async find(pod: string): Promise<{ info: PodInfo; node: NodeTransport }> {
    const info = (await this.list()).find((p) => p.name === pod);
    if (!info) throw new CommandError(`find pod ${pod}`, 'the cluster', 'cni-lab get pods -o wide', 1, `pod ${pod} not found on any node`);
    return { info, node: this.on(this.state.nodes.find((n) => n.name === info.node)!) };
  }

  private container(info: PodInfo, container?: string): string {
    const name = container ? `${info.name}-${container}` : info.containers[0];
    if (!name || !info.containers.includes(name)) {
      throw new CommandError(`find container ${container ?? ''} of pod ${info.name}`, info.node, `podman pod inspect ${info.name}`, 1, `pod ${info.name} has containers ${info.containers.join(', ') || 'none'}`);
    }
    return name;
  }

  async exec(pod: string, argv: string[], container?: string): Promise<ExecResult> {
    const { info, node } = await this.find(pod);
    return node.exec(['podman', 'exec', this.container(info, container), ...argv], { what: `exec in pod ${pod}`, allowFailure: true });
  }

  async logs(pod: string, container?: string): Promise<ExecResult> {
    const { info, node } = await this.find(pod);
    return node.exec(['podman', 'logs', this.container(info, container)], { what: `logs of pod ${pod}` });
  }

  async delete(names: string[]): Promise<DeleteResult[]> {
    const where = new Map((await this.list()).map((p) => [p.name, p.node]));
    return Promise.all(
      names.map(async (name): Promise<DeleteResult> => {
        const t0 = performance.now();
        const nodeName = where.get(name);
        if (!nodeName) return { name, deleted: false, ms: 0 };
        const node = this.on(this.state.nodes.find((n) => n.name === nodeName)!);
        // --time 0: nping ignores SIGTERM, so a grace period would only be waited out. Stop,
        // then rm: measured here 0.5 s, where `pod rm --force --time 0` took 3.6 s.
        await node.exec(['podman', 'pod', 'stop', '--time', '0', name], { what: `stop pod ${name}` });
        await node.exec(['podman', 'pod', 'rm', name], { what: `remove pod ${name}` });
        await node.exec(['rm', '-f', `${POD_DIR}/${name}.yaml`, `${POD_DIR}/${name}.event`], { what: `forget pod ${name}` });
        return { name, node: nodeName, deleted: true, ms: performance.now() - t0 };
      }),
    );
  }
}
