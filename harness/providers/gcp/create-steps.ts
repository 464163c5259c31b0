import { overlaps, parseCidr } from '../../cluster/cidr.ts';
import type { ClusterPlan, PlannedNode } from '../../cluster/topology.ts';
import { UsageError } from '../../errors.ts';
import { gcpNames, ECHO_MACHINE } from './names.ts';
import { ADMIN_CONF, echoHostInstallCommands, echoServerCommands, kubernetesInstallCommands, masterKubectl } from './node-commands.ts';
import type { GcpSettings } from './settings.ts';
import { PLACEHOLDER, type HostStep, type MachineStep, type RunValues, type Step } from './steps.ts';

/** kubeadm's default --service-cidr: it must not overlap the host or the pod network. */
const SERVICE_CIDR = '10.96.0.0/12';
const SSH_TIMEOUT_MS = 5 * 60_000;
const NODE_CIDR_TIMEOUT_MS = 3 * 60_000;

/**
 * Every command of `up`, in order: the seed's cluster.sh as data. Pure: the same plan,
 * settings and run values give the same list, which --dry-run prints and create() runs.
 */
export function createSteps(plan: ClusterPlan, s: GcpSettings, run: RunValues, statePath: string): Step[] {
  checkPlan(plan, statePath);
  const n = gcpNames(plan.cluster);
  const g = (title: string, args: string[], extra: Partial<HostStep> = {}): HostStep => ({
    title, on: 'host', argv: ['gcloud', ...args, `--project=${s.project}`], ...extra,
  });
  const master = plan.nodes[0]!;
  const workers = plan.nodes.slice(1);
  const machines = [...plan.nodes.map((x) => x.name), ECHO_MACHINE];
  const on = (machine: string, c: { title: string; argv: string[] }, extra: Partial<MachineStep> = {}): MachineStep => ({
    title: `${machine}: ${c.title}`, on: 'machine', machine, argv: c.argv, ...extra,
  });
  const podCidrWait = (node: PlannedNode): MachineStep =>
    on(master.name, { title: `${node.name} registered with pod CIDR ${node.podCidr}`, argv: masterKubectl('get', 'node', node.name, '-o', 'jsonpath={.spec.podCIDR}') }, {
      retry: { timeoutMs: NODE_CIDR_TIMEOUT_MS, expect: node.podCidr },
    });

  return [
    // The VPC: custom subnet mode, so that it has only the subnets below.
    g(`network ${n.network}`, ['compute', 'networks', 'create', n.network, '--subnet-mode=custom', `--description=${n.description}`]),
    g(`subnet ${n.hostSubnet} ${plan.hostNetwork} (the nodes)`, [
      'compute', 'networks', 'subnets', 'create', n.hostSubnet, `--network=${n.network}`, `--region=${s.region}`, `--range=${plan.hostNetwork}`, `--description=${n.description}`,
    ]),
    // The outside world: a privately used public range (the plan's documentation range) in
    // the same VPC, so that egress is tested without the internet, as in the lab.
    g(`subnet ${n.outsideSubnet} ${plan.outsideNetwork} (the echo VM, the outside world)`, [
      'compute', 'networks', 'subnets', 'create', n.outsideSubnet, `--network=${n.network}`, `--region=${s.region}`, `--range=${plan.outsideNetwork}`, `--description=${n.description}`,
    ]),
    // A new VPC denies all ingress: allow everything between nodes, from pods (routed, not
    // NATed, between nodes) and from the nodes to the echo VM.
    g(`firewall ${n.firewallInternal}: host and pod network`, [
      'compute', 'firewall-rules', 'create', n.firewallInternal, `--network=${n.network}`, '--direction=INGRESS', '--allow=tcp,udp,icmp',
      `--source-ranges=${plan.hostNetwork},${plan.podNetwork}`, `--description=${n.description}`,
    ]),
    g(`firewall ${n.firewallSsh}: SSH to every VM`, [
      'compute', 'firewall-rules', 'create', n.firewallSsh, `--network=${n.network}`, '--direction=INGRESS', '--allow=tcp:22',
      `--source-ranges=${s.adminSourceRanges.join(',')}`, `--description=${n.description}`,
    ]),
    g(`firewall ${n.firewallApiserver}: the API server, for the fetched kubeconfig`, [
      'compute', 'firewall-rules', 'create', n.firewallApiserver, `--network=${n.network}`, '--direction=INGRESS', '--allow=tcp:6443',
      `--source-ranges=${s.adminSourceRanges.join(',')}`, `--target-tags=${n.controlPlaneTag}`, `--description=${n.description}`,
    ]),
    ...plan.nodes.map((node) => g(`VM ${n.instance(node.name)} ${node.ip}`, instanceArgs(plan, s, run, statePath, node), { group: 'instances' })),
    g(`VM ${n.instance(ECHO_MACHINE)} ${plan.echoHostIp}`, echoInstanceArgs(plan, s, run, statePath), { group: 'instances' }),
    g('external addresses of the VMs', ['compute', 'instances', 'list', `--filter=labels.${n.label}`, '--format=json'], { capture: 'instances' }),
    ...machines.map((m) => on(m, { title: 'SSH answers', argv: ['true'] }, { group: 'ssh', retry: { timeoutMs: SSH_TIMEOUT_MS } })),
    ...plan.nodes.flatMap((node) => kubernetesInstallCommands(s).map((c) => on(node.name, c, { group: 'install' }))),
    ...echoHostInstallCommands().map((c) => on(ECHO_MACHINE, c, { group: 'install' })),
    ...machines.flatMap((m) => echoServerCommands(run.echoSecret).map((c) => on(m, c, { group: 'echo' }))),
    // --pod-network-cidr makes kubeadm run kube-controller-manager with --allocate-node-cidrs
    // and --cluster-cidr: a /24 per node, in order of registration.
    on(master.name, {
      title: 'kubeadm init',
      argv: ['sudo', 'kubeadm', 'init', `--pod-network-cidr=${plan.podNetwork}`, `--apiserver-advertise-address=${master.ip}`, `--node-name=${master.name}`],
    }),
    podCidrWait(master),
    on(master.name, { title: 'join command for the workers', argv: ['sudo', 'kubeadm', 'token', 'create', '--print-join-command'] }, { capture: 'join-command' }),
    // One worker at a time, each until it has its pod CIDR: registration order decides which
    // /24 a node gets, and the routes below and the state file name the plan's.
    ...workers.flatMap((w) => [
      on(w.name, { title: 'kubeadm join', argv: ['sudo', PLACEHOLDER.joinCommand, `--node-name=${w.name}`] }),
      podCidrWait(w),
    ]),
    on(master.name, { title: 'fetch the kubeconfig', argv: ['sudo', 'cat', ADMIN_CONF] }, { capture: 'kubeconfig' }),
    // The seed's routes: each node's pod subnet via that node's VM (which may forward it,
    // --can-ip-forward), so that pods reach each other without NAT across nodes.
    ...plan.nodes.map((node) =>
      g(`route ${node.podCidr} via ${n.instance(node.name)}`, [
        'compute', 'routes', 'create', n.route(node.name), `--network=${n.network}`, `--destination-range=${node.podCidr}`,
        `--next-hop-instance=${n.instance(node.name)}`, `--next-hop-instance-zone=${s.zone}`, `--description=${n.description}`,
      ], { group: 'routes' }),
    ),
  ];
}

function instanceArgs(plan: ClusterPlan, s: GcpSettings, run: RunValues, statePath: string, node: PlannedNode): string[] {
  const n = gcpNames(plan.cluster);
  const tags = [n.nodeTag, ...(node.role === 'control-plane' ? [n.controlPlaneTag] : [])];
  return [
    ...commonInstanceArgs(plan, s, run, statePath, n.instance(node.name)),
    `--subnet=${n.hostSubnet}`, `--private-network-ip=${node.ip}`,
    // Without it GCE drops packets whose source or destination is not the VM's own address:
    // the pods' addresses, routed to and from this VM.
    '--can-ip-forward',
    `--tags=${tags.join(',')}`,
    `--labels=${n.label},cni-lab-role=${node.role},cni-lab-node=${node.name}`,
  ];
}

function echoInstanceArgs(plan: ClusterPlan, s: GcpSettings, run: RunValues, statePath: string): string[] {
  const n = gcpNames(plan.cluster);
  return [
    ...commonInstanceArgs(plan, s, run, statePath, n.instance(ECHO_MACHINE)),
    `--subnet=${n.outsideSubnet}`, `--private-network-ip=${plan.echoHostIp}`,
    `--labels=${n.label},cni-lab-role=echo`,
  ];
}

function commonInstanceArgs(plan: ClusterPlan, s: GcpSettings, run: RunValues, statePath: string, name: string): string[] {
  return [
    'compute', 'instances', 'create', name, `--zone=${s.zone}`, `--machine-type=${s.machineType}`,
    `--image-family=${s.imageFamily}`, `--image-project=${s.imageProject}`,
    // ssh-keys is "USER:KEY" (the guest agent makes USER, with sudo); enable-oslogin=FALSE, or a
    // project with OS Login on ignores ssh-keys and SSH never gets in; cni-lab-state and
    // cni-lab-owner name the state file and the machine that ran up, for statePathOf().
    // Values with commas would break --metadata's list.
    `--metadata=ssh-keys=${s.sshUser}:${run.sshPublicKey},enable-oslogin=FALSE,cni-lab-state=${statePath},cni-lab-owner=${run.owner}`,
  ];
}

export function checkPlan(plan: ClusterPlan, statePath: string): void {
  if (plan.nodeCidrMaskSize !== 24) {
    // kubeadm init has no flag for it (only a config file), and kube-controller-manager's default is /24.
    throw new UsageError(`gcp: node pod subnets are /24 (kube-controller-manager's default), not /${plan.nodeCidrMaskSize}`);
  }
  for (const [option, cidr] of [['--host-network', plan.hostNetwork], ['--pod-network', plan.podNetwork]] as const) {
    if (overlaps(parseCidr(cidr), parseCidr(SERVICE_CIDR))) {
      throw new UsageError(`gcp: ${option} ${cidr} overlaps kubeadm's service network ${SERVICE_CIDR}`);
    }
  }
  if (statePath.includes(',')) throw new UsageError(`--state ${JSON.stringify(statePath)}: gcp records it in instance metadata, which takes no commas`);
}
