import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import type { ClusterState, NodeState } from '../../cluster/state.ts';
import { planCluster, SEED_TOPOLOGY, type ClusterPlan } from '../../cluster/topology.ts';
import { UsageError } from '../../errors.ts';
import { hostExec } from '../../host-exec.ts';
import { formatController, parseController, sameController, thisController } from '../controller.ts';
import type { Progress } from '../../progress.ts';
import type { CreateOptions, DryRunRequest, MachineHealth, NodeTransport, PlannedCommand, Provider } from '../provider.ts';
import { checkPlan, createSteps } from './create-steps.ts';
import { clusterResources, deleteSteps, expectedResources, KINDS, listArgv, type GcpResource } from './delete-plan.ts';
import { parseInstances, type GcpInstance } from './instances.ts';
import { externalKubeconfig } from './kubeconfig.ts';
import { ECHO_MACHINE, gcpNames } from './names.ts';
import { GcpNodeTransport } from './node-transport.ts';
import { checkGcpPrerequisites } from './prerequisites.ts';
import { renderStep } from './render.ts';
import { runSteps, type Captures } from './run-steps.ts';
import { gcpSettings, type GcpSettings } from './settings.ts';
import { kubeconfigPath, newSshKey, sshKeyPath } from './ssh-key.ts';
import { PLACEHOLDER } from './steps.ts';

/** What the gcp provider keeps in the state file beside the common fields. */
export interface GcpDetails {
  project: string;
  zone: string;
  /** For `--runtime kubernetes --kubeconfig FILE`: the API server at the master's external address. */
  kubeconfig: string;
  sshKey: string;
  sshUser: string;
  /** Machine name (my-k8s-master, echo) -> the VM's external address, which SSH goes to. */
  externalIps: Record<string, string>;
}

/** The seed's cluster: GCE VMs in their own VPC, kubeadm, one VPC route per node pod subnet. */
export class GcpProvider implements Provider {
  readonly name = 'gcp';
  private readonly transports = new Map<string, GcpNodeTransport>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  private settings(): GcpSettings {
    return gcpSettings(this.env);
  }

  async checkPrerequisites(): Promise<void> {
    this.settings(); // the project is an option: checked before any I/O
    await checkGcpPrerequisites(this.env.PATH ?? '');
  }

  plan(request: DryRunRequest): PlannedCommand[] {
    const s = this.settings();
    if (request.verb === 'up') {
      const run = { echoSecret: PLACEHOLDER.echoSecret, sshPublicKey: PLACEHOLDER.sshPublicKey, owner: formatController(thisController()) };
      return createSteps(request.plan, s, run, request.statePath).map((step) => renderStep(step, request.plan.cluster, s));
    }
    const { cluster, state } = request;
    const nodes = (state?.nodes ?? planCluster({ ...SEED_TOPOLOGY, cluster }).nodes).map((n) => n.name);
    const source = state ? 'as its state file names them' : 'as up names them for the seed topology';
    return [
      ...KINDS.map((kind) => ({ title: `list the cluster's ${kind}s`, command: renderStep({ title: '', on: 'host', argv: listArgv(kind, cluster, s) }, cluster, s).command })),
      ...deleteSteps(expectedResources(cluster, nodes, s), s).map((step) => ({
        title: `${step.title}: those the lists find (${source})`,
        command: renderStep(step, cluster, s).command,
      })),
    ];
  }

  async create(plan: ClusterPlan, progress: Progress, { statePath, signal }: CreateOptions): Promise<ClusterState> {
    const s = this.settings();
    checkPlan(plan, statePath);
    const keyPath = sshKeyPath(statePath);
    const key = await newSshKey(keyPath, gcpNames(plan.cluster).prefix);
    const run = { echoSecret: randomBytes(8).toString('hex'), sshPublicKey: key.publicKey, owner: formatController(thisController()) };
    const machines = new Map<string, GcpNodeTransport>();
    const machine = (name: string, captures: Captures) => {
      let t = machines.get(name);
      if (!t) {
        const ip = externalIpsOf(plan.cluster, captures.instances)[name];
        if (!ip) throw new Error(`VM of ${name} has no external address in the instance list`);
        t = new GcpNodeTransport(name, { host: ip, port: 22, user: s.sshUser, privateKey: key.privateKey, readyTimeoutMs: 15_000 });
        machines.set(name, t);
      }
      return { exec: t.execAsUser.bind(t) };
    };
    try {
      const captures = await runSteps(createSteps(plan, s, run, statePath), { host: (argv, what) => hostExec(argv, { what }), machine, progress, ...(signal ? { signal } : {}) });
      const externalIps = externalIpsOf(plan.cluster, captures.instances);
      const kubeconfig = kubeconfigPath(statePath);
      await progress.step('kubeconfig', () => writeFile(kubeconfig, externalKubeconfig(captures.kubeconfig ?? '', externalIps[plan.nodes[0]!.name]!), { mode: 0o600 }), () => kubeconfig);
      const details: GcpDetails = { project: s.project, zone: s.zone, kubeconfig, sshKey: keyPath, sshUser: s.sshUser, externalIps };
      return stateOf(plan, run.echoSecret, details);
    } finally {
      await Promise.all([...machines.values()].map((t) => t.close()));
    }
  }

  /**
   * The state file that the cluster's VMs name. A cluster that another machine brought up (a
   * project is shared, and every user's default name is "lab") is refused here, so that `up`
   * never takes it for leftovers of its own and `down` without --name never deletes it.
   */
  async statePathOf(cluster: string): Promise<string | undefined> {
    const instances = await this.instances(cluster);
    const me = thisController();
    const foreign = instances.find((i) => i.metadata['cni-lab-owner'] && !sameController(parseController(i.metadata['cni-lab-owner']), me));
    if (foreign) {
      const s = this.settings();
      throw new UsageError(
        `cluster ${cluster} in project ${s.project} was brought up from another machine, ${parseController(foreign.metadata['cni-lab-owner']!).host} ` +
          `(state file ${foreign.metadata['cni-lab-state'] ?? '?'} there; VM ${foreign.name}): run \`./cluster.sh down\` there, or give this cluster another --name. ` +
          `To delete it from here: \`./cluster.sh down --provider gcp --project ${s.project} --name ${cluster}\``,
      );
    }
    return instances.map((i) => i.metadata['cni-lab-state']).find(Boolean);
  }

  async health(state: ClusterState): Promise<MachineHealth[]> {
    const d = state.providerDetails as unknown as GcpDetails;
    const s = gcpSettings({ ...this.env, CLOUDSDK_CORE_PROJECT: d.project, CLOUDSDK_COMPUTE_ZONE: d.zone });
    const n = gcpNames(state.name);
    const status = new Map((await this.instances(state.name, s)).map((i) => [i.name, i.status]));
    return [...state.nodes.map((x) => x.name), ECHO_MACHINE].map((name) => {
      const st = status.get(n.instance(name));
      return { name, state: st === undefined ? 'missing' : st === 'RUNNING' ? 'running' : 'stopped' };
    });
  }

  async leftovers(cluster: string): Promise<string[]> {
    return (await this.resources(cluster)).map((r) => `${r.kind} ${r.name}${r.status ? ` (${r.status})` : ''}`);
  }

  async delete(cluster: string, progress: Progress): Promise<void> {
    const s = this.settings();
    for (const step of deleteSteps(await this.resources(cluster), s)) {
      await progress.step(step.title, () => hostExec(step.argv, { what: step.title }));
    }
  }

  /** The cluster-admin kubeconfig and the SSH key pair that `up` wrote beside the state file. */
  async forget(state: ClusterState): Promise<string[]> {
    const d = state.providerDetails as unknown as GcpDetails;
    const files = [d.kubeconfig, d.sshKey, d.sshKey && `${d.sshKey}.pub`].filter((f): f is string => Boolean(f));
    await Promise.all(files.map((f) => rm(f, { force: true })));
    return files;
  }

  transport(state: ClusterState, node: NodeState): NodeTransport {
    const d = state.providerDetails as unknown as GcpDetails;
    const key = `${state.name}/${node.name}`;
    let t = this.transports.get(key);
    if (!t) {
      const host = d.externalIps[node.name];
      if (!host) throw new Error(`state of cluster ${state.name} has no external address for ${node.name}`);
      t = new GcpNodeTransport(node.name, { host, port: 22, user: d.sshUser, privateKey: readFileSync(d.sshKey, 'utf8') });
      this.transports.set(key, t);
    }
    return t;
  }

  private async instances(cluster: string, s = this.settings()): Promise<GcpInstance[]> {
    const res = await hostExec(listArgv('instance', cluster, s), { what: `list the VMs of cluster ${cluster}` });
    return parseInstances(res.stdout).filter((i) => i.labels[gcpNames(cluster).labelKey] === cluster);
  }

  private async resources(cluster: string): Promise<GcpResource[]> {
    const s = this.settings();
    const lists = await Promise.all(KINDS.map((kind) => hostExec(listArgv(kind, cluster, s), { what: `list the ${kind}s of cluster ${cluster}` })));
    return KINDS.flatMap((kind, i) => clusterResources(kind, cluster, lists[i]!.stdout));
  }
}

/** Machine name -> external address, from `gcloud compute instances list --format=json`. */
export function externalIpsOf(cluster: string, instancesJson: string | undefined): Record<string, string> {
  const prefix = `${gcpNames(cluster).prefix}-`;
  return Object.fromEntries(
    parseInstances(instancesJson ?? '[]')
      .filter((i) => i.name.startsWith(prefix) && i.externalIp)
      .map((i) => [i.name.slice(prefix.length), i.externalIp!]),
  );
}

function stateOf(plan: ClusterPlan, echoSecret: string, details: GcpDetails): ClusterState {
  const n = gcpNames(plan.cluster);
  return {
    schemaVersion: 1,
    provider: 'gcp',
    name: plan.cluster,
    createdAt: new Date().toISOString(),
    hostNetwork: plan.hostNetwork,
    podNetwork: plan.podNetwork,
    nodeCidrMaskSize: plan.nodeCidrMaskSize,
    nodes: plan.nodes.map((node): NodeState => ({ ...node, id: n.instance(node.name) })),
    outside: {
      network: plan.outsideNetwork,
      // The VPC is the router: each subnet's gateway is its second address (.1).
      routerHostIp: plan.hostGateway,
      routerOutsideIp: plan.outsideGateway,
      echoHostIp: plan.echoHostIp,
      // The VM's own name, which GCE's internal DNS resolves inside the VPC; never a real internet name.
      echoHostName: n.instance(ECHO_MACHINE),
      echoSecret,
    },
    providerDetails: details as unknown as Record<string, unknown>,
  };
}
