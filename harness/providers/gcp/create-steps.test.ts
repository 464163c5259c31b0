import { describe, expect, it } from 'vitest';
import { planCluster, SEED_TOPOLOGY } from '../../cluster/topology.ts';
import { UsageError } from '../../errors.ts';
import { createSteps } from './create-steps.ts';
import { gcpSettings } from './settings.ts';
import { PLACEHOLDER, type HostStep, type MachineStep, type Step } from './steps.ts';

const s = gcpSettings({ CLOUDSDK_CORE_PROJECT: 'proj-1', CLOUDSDK_COMPUTE_ZONE: 'europe-west1-b' });
const run = { echoSecret: 'sekret', sshPublicKey: 'ssh-ed25519 AAAAkey cni-lab', owner: 'box/0123abcd' };
const seed = planCluster(SEED_TOPOLOGY);
const stepsOf = (plan = seed): Step[] => createSteps(plan, s, run, '/tmp/x/state.json');
const host = (steps: Step[]): HostStep[] => steps.filter((x): x is HostStep => x.on === 'host');
const machine = (steps: Step[]): MachineStep[] => steps.filter((x): x is MachineStep => x.on === 'machine');
/** The value of --flag=value in argv. */
const flag = (argv: string[], name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const creates = (steps: Step[], what: string[]): HostStep[] =>
  host(steps).filter((x) => what.every((w, i) => x.argv[1 + i] === w) && x.argv[1 + what.length] === 'create');

describe('createSteps, the seed plan', () => {
  const steps = stepsOf();

  it('makes the seed VMs with the seed addresses, in the host subnet, able to forward', () => {
    const vms = creates(steps, ['compute', 'instances']);
    expect(vms.map((v) => v.argv[4])).toEqual(['cni-lab-lab-my-k8s-master', 'cni-lab-lab-my-k8s-worker-1', 'cni-lab-lab-my-k8s-worker-2', 'cni-lab-lab-echo']);
    expect(vms.map((v) => flag(v.argv, 'private-network-ip'))).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '198.51.100.10']);
    expect(vms.map((v) => flag(v.argv, 'subnet'))).toEqual(['cni-lab-lab-hosts', 'cni-lab-lab-hosts', 'cni-lab-lab-hosts', 'cni-lab-lab-outside']);
    // Nodes forward pod traffic; the echo VM only answers.
    expect(vms.map((v) => v.argv.includes('--can-ip-forward'))).toEqual([true, true, true, false]);
    for (const v of vms) {
      expect(flag(v.argv, 'zone')).toBe('europe-west1-b');
      // OS Login off (a project with it on ignores ssh-keys), the state file and the machine that ran up.
      expect(flag(v.argv, 'metadata')).toBe(`ssh-keys=cnilab:${run.sshPublicKey},enable-oslogin=FALSE,cni-lab-state=/tmp/x/state.json,cni-lab-owner=box/0123abcd`);
    }
  });

  it('makes the VPC with a subnet for the host network and one for the outside network, in the zone\'s region', () => {
    expect(creates(steps, ['compute', 'networks'])[0]!.argv).toContain('--subnet-mode=custom');
    const subnets = creates(steps, ['compute', 'networks', 'subnets']);
    expect(subnets.map((x) => [x.argv[5], flag(x.argv, 'range'), flag(x.argv, 'region'), flag(x.argv, 'network')])).toEqual([
      ['cni-lab-lab-hosts', seed.hostNetwork, 'europe-west1', 'cni-lab-lab'],
      ['cni-lab-lab-outside', seed.outsideNetwork, 'europe-west1', 'cni-lab-lab'],
    ]);
  });

  it('allows the host network, the pod network, SSH and the API server in, and nothing else', () => {
    const rules = creates(steps, ['compute', 'firewall-rules']).map((r) => ({
      allow: flag(r.argv, 'allow'), from: flag(r.argv, 'source-ranges')?.split(','), to: flag(r.argv, 'target-tags'), network: flag(r.argv, 'network'),
    }));
    expect(rules).toEqual([
      { allow: 'tcp,udp,icmp', from: ['10.0.0.0/16', '200.200.0.0/16'], to: undefined, network: 'cni-lab-lab' },
      { allow: 'tcp:22', from: ['0.0.0.0/0'], to: undefined, network: 'cni-lab-lab' },
      { allow: 'tcp:6443', from: ['0.0.0.0/0'], to: 'cni-lab-lab-control-plane', network: 'cni-lab-lab' },
    ]);
    const master = creates(steps, ['compute', 'instances'])[0]!;
    expect(flag(master.argv, 'tags')?.split(',')).toContain('cni-lab-lab-control-plane');
  });

  it('routes each node pod CIDR to that node\'s VM', () => {
    const routes = creates(steps, ['compute', 'routes']);
    expect(routes.map((r) => [flag(r.argv, 'destination-range'), flag(r.argv, 'next-hop-instance'), flag(r.argv, 'next-hop-instance-zone')])).toEqual([
      ['200.200.0.0/24', 'cni-lab-lab-my-k8s-master', 'europe-west1-b'],
      ['200.200.1.0/24', 'cni-lab-lab-my-k8s-worker-1', 'europe-west1-b'],
      ['200.200.2.0/24', 'cni-lab-lab-my-k8s-worker-2', 'europe-west1-b'],
    ]);
  });

  it('marks everything it creates as the cluster\'s: labels on VMs, the description elsewhere; every gcloud names the project', () => {
    for (const step of host(steps)) expect(flag(step.argv, 'project')).toBe('proj-1');
    const created = host(steps).filter((x) => x.argv.includes('create'));
    expect(created.length).toBe(1 + 2 + 3 + 4 + 3);
    for (const step of created) {
      if (step.argv[2] === 'instances') expect(flag(step.argv, 'labels')?.split(',')).toContain('cni-lab-cluster=lab');
      else expect(flag(step.argv, 'description')).toBe('cni-lab-cluster=lab');
    }
  });

  it('runs kubeadm init with the pod network, then joins the workers one by one, each until it has its planned pod CIDR', () => {
    const m = machine(steps);
    const init = m.find((x) => x.argv.includes('init'))!;
    expect(init.machine).toBe('my-k8s-master');
    expect(flag(init.argv, 'pod-network-cidr')).toBe('200.200.0.0/16');
    expect(flag(init.argv, 'apiserver-advertise-address')).toBe('10.0.0.2');
    const waits = m.filter((x) => x.retry?.expect);
    expect(waits.map((w) => [w.argv.at(-3), w.retry!.expect])).toEqual(seed.nodes.map((n) => [n.name, n.podCidr]));
    const joins = m.filter((x) => x.argv.includes(PLACEHOLDER.joinCommand));
    expect(joins.map((j) => [j.machine, flag(j.argv, 'node-name')])).toEqual([['my-k8s-worker-1', 'my-k8s-worker-1'], ['my-k8s-worker-2', 'my-k8s-worker-2']]);
    // Order: init, master's CIDR, the join command, then join/wait pairs, then the kubeconfig.
    const at = (pred: (x: MachineStep) => boolean) => m.findIndex(pred);
    const capture = at((x) => x.capture === 'join-command');
    expect(at((x) => x === init)).toBeLessThan(at((x) => x === waits[0]));
    expect(at((x) => x === waits[0])).toBeLessThan(capture);
    expect(capture).toBeLessThan(at((x) => x === joins[0]));
    expect(at((x) => x === joins[0]) + 1).toBe(at((x) => x === waits[1]));
    expect(at((x) => x === waits[1]) + 1).toBe(at((x) => x === joins[1]));
    expect(at((x) => x.capture === 'kubeconfig')).toBeGreaterThan(at((x) => x === waits[2]));
  });

  it('installs the harness tools on every node and runs the echo server everywhere, with the run\'s secret', () => {
    for (const node of seed.nodes) {
      const install = machine(steps).filter((x) => x.machine === node.name && x.argv.includes('install'));
      const packages = install.flatMap((x) => x.argv);
      for (const p of ['nmap', 'iproute2', 'iptables', 'containernetworking-plugins', 'containerd', 'kubeadm', 'kubelet', 'kubectl']) expect(packages).toContain(p);
    }
    const echo = machine(steps).filter((x) => x.argv.includes('--echo-server'));
    expect(echo.map((x) => x.machine)).toEqual([...seed.nodes.map((n) => n.name), 'echo']);
    for (const e of echo) expect(e.argv.slice(e.argv.indexOf('--echo-server'))).toEqual(['--echo-server', 'sekret', '--no-crypto']);
  });

  it('puts a machine\'s steps of a group in order, and waits for SSH before anything runs on a VM', () => {
    const m = machine(steps);
    for (const name of [...seed.nodes.map((n) => n.name), 'echo']) {
      const first = m.find((x) => x.machine === name)!;
      expect(first.argv).toEqual(['true']);
      expect(first.retry?.timeoutMs).toBeGreaterThan(0);
    }
    const list = host(steps).find((x) => x.capture === 'instances')!;
    expect(steps.indexOf(list)).toBeLessThan(steps.indexOf(m[0]!));
    expect(steps.indexOf(list)).toBeGreaterThan(Math.max(...creates(steps, ['compute', 'instances']).map((x) => steps.indexOf(x))));
  });
});

describe('createSteps, 5 workers', () => {
  const plan = planCluster({ ...SEED_TOPOLOGY, cluster: 'big', workers: 5 });
  const steps = stepsOf(plan);

  it('makes one VM, one route and one join per node, with the plan\'s addresses and subnets', () => {
    const vms = creates(steps, ['compute', 'instances']).filter((v) => v.argv.includes('--can-ip-forward'));
    expect(vms.map((v) => [v.argv[4], flag(v.argv, 'private-network-ip')])).toEqual(plan.nodes.map((n) => [`cni-lab-big-${n.name}`, n.ip]));
    expect(vms.map((v) => flag(v.argv, 'private-network-ip'))).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7']);
    const routes = creates(steps, ['compute', 'routes']);
    expect(routes.map((r) => [flag(r.argv, 'destination-range'), flag(r.argv, 'next-hop-instance')])).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => [`200.200.${i}.0/24`, `cni-lab-big-${plan.nodes[i]!.name}`]),
    );
    const joins = machine(steps).filter((x) => x.argv.includes(PLACEHOLDER.joinCommand)).map((x) => x.machine);
    expect(joins).toEqual(['my-k8s-worker-1', 'my-k8s-worker-2', 'my-k8s-worker-3', 'my-k8s-worker-4', 'my-k8s-worker-5']);
  });
});

describe('createSteps refuses what kubeadm or the metadata cannot take', () => {
  it('a host network that overlaps the service network', () => {
    const plan = planCluster({ ...SEED_TOPOLOGY, hostNetwork: '10.96.0.0/16' });
    expect(() => stepsOf(plan)).toThrow(UsageError);
    expect(() => stepsOf(plan)).toThrow(/--host-network 10\.96\.0\.0\/16 overlaps .*10\.96\.0\.0\/12/);
  });

  it('a node subnet size kubeadm init cannot set', () => {
    const plan = planCluster({ ...SEED_TOPOLOGY, nodeCidrMaskSize: 25 });
    expect(() => stepsOf(plan)).toThrow(/\/24 .*not \/25/);
  });

  it('a state path with a comma', () => {
    expect(() => createSteps(seed, s, run, '/tmp/a,b/state.json')).toThrow(/--state .*comma/);
  });
});
