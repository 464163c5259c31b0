import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { hostExec, type ExecResult } from '../host-exec.ts';
import { podForCluster, type PodDoc } from './pod-manifest.ts';
import type { ApplyResult, DeleteResult, PodInfo, PodRuntime } from './pod-runtime.ts';

export interface KubectlSettings {
  /** The kubeconfig to use; kubectl's own default when unset. */
  kubeconfig?: string;
  /** Image replacements: the lab's localhost/cni-lab-pod:latest is not in any registry. */
  images?: Record<string, string>;
  /** The echo passphrase the pods get (pods.yaml's own when unset). */
  echoSecret?: string;
  waitTimeoutS?: number;
}

/** The kubectl command lines of the `kubernetes` runtime, pure so that they can be checked here. */
export const kubectlArgv = {
  base: (s: KubectlSettings): string[] => ['kubectl', ...(s.kubeconfig ? ['--kubeconfig', s.kubeconfig] : [])],
  apply: (s: KubectlSettings, file: string): string[] => [...kubectlArgv.base(s), 'apply', '-f', file],
  wait: (s: KubectlSettings, names: string[]): string[] => [
    ...kubectlArgv.base(s), 'wait', '--for=condition=Ready', `--timeout=${s.waitTimeoutS ?? 120}s`, ...names.map((n) => `pod/${n}`),
  ],
  list: (s: KubectlSettings): string[] => [...kubectlArgv.base(s), 'get', 'pods', '-o', 'json'],
  events: (s: KubectlSettings): string[] => [...kubectlArgv.base(s), 'get', 'events', '--field-selector', 'reason=FailedCreatePodSandBox', '-o', 'json'],
  exec: (s: KubectlSettings, pod: string, argv: string[], container?: string): string[] => [
    ...kubectlArgv.base(s), 'exec', pod, ...(container ? ['-c', container] : []), '--', ...argv,
  ],
  logs: (s: KubectlSettings, pod: string, container?: string): string[] => [...kubectlArgv.base(s), 'logs', pod, ...(container ? ['-c', container] : [])],
  delete: (s: KubectlSettings, names: string[]): string[] => [
    ...kubectlArgv.base(s), 'delete', 'pod', '--grace-period=0', '--ignore-not-found', '--wait', ...names,
  ],
};

interface KubePod {
  metadata: { name: string };
  spec: { nodeName?: string; containers: Array<{ name: string }> };
  status: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    containerStatuses?: Array<{ state?: { waiting?: { reason?: string } } }>;
  };
}

interface KubeEvent {
  involvedObject: { name: string };
  message: string;
}

/** `kubectl get pods -o json` (and the sandbox events) as PodInfo; the pod's STATUS as kubectl prints it. */
export function podsFromKubectl(podsJson: string, eventsJson: string): PodInfo[] {
  const events = new Map((JSON.parse(eventsJson) as { items: KubeEvent[] }).items.map((e) => [e.involvedObject.name, e.message]));
  return (JSON.parse(podsJson) as { items: KubePod[] }).items.map((p) => {
    const waiting = p.status.containerStatuses?.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
    const message = p.status.phase === 'Running' ? undefined : events.get(p.metadata.name);
    return {
      name: p.metadata.name,
      status: waiting ?? p.status.phase ?? 'Unknown',
      ...(p.status.podIP ? { ip: p.status.podIP } : {}),
      node: p.spec.nodeName ?? '<none>',
      ...(p.status.hostIP ? { nodeIp: p.status.hostIP } : {}),
      ...(message ? { message } : {}),
      containers: p.spec.containers.map((c) => c.name),
    };
  });
}

/**
 * The pod runtime of a real cluster: the same verbs, sent to kubectl. The scheduler places
 * the pods and kubelet calls the plugin; this only asks and reports. Not run here (no
 * Kubernetes API server can run on this machine): its command lines are unit-tested.
 */
export class KubectlRuntime implements PodRuntime {
  readonly name = 'kubernetes';

  constructor(
    private readonly settings: KubectlSettings,
    private readonly run: (argv: string[], what: string) => Promise<ExecResult> = (argv, what) => hostExec(argv, { what, allowFailure: true }),
  ) {}

  private async must(argv: string[], what: string): Promise<ExecResult> {
    const res = await this.run(argv, what);
    if (res.exitCode !== 0) throw new Error(`${what} failed (exit ${res.exitCode}): ${res.stderr.trim()}\n  command: ${argv.join(' ')}`);
    return res;
  }

  async apply(pods: PodDoc[]): Promise<ApplyResult[]> {
    const t0 = performance.now();
    const dir = await mkdtemp(join(tmpdir(), 'cni-lab-kubectl-'));
    try {
      const file = join(dir, 'pods.yaml');
      const docs = pods.map((p) => podForCluster(p.doc, { images: this.settings.images, echoSecret: this.settings.echoSecret }));
      await writeFile(file, docs.map((d) => stringify(d)).join('---\n'));
      await this.must(kubectlArgv.apply(this.settings, file), 'kubectl apply');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const waited = await this.run(kubectlArgv.wait(this.settings, pods.map((p) => p.name)), 'kubectl wait');
    const now = await this.list();
    return pods.map((p) => {
      const info = now.find((i) => i.name === p.name);
      const ok = waited.exitCode === 0 || info?.status === 'Running';
      return { name: p.name, node: info?.node ?? '<none>', outcome: ok ? 'created' : 'failed', ...(ok ? {} : { message: info?.message ?? info?.status }), ms: performance.now() - t0 };
    });
  }

  async list(): Promise<PodInfo[]> {
    const [pods, events] = await Promise.all([
      this.must(kubectlArgv.list(this.settings), 'kubectl get pods'),
      this.must(kubectlArgv.events(this.settings), 'kubectl get events'),
    ]);
    return podsFromKubectl(pods.stdout, events.stdout);
  }

  exec(pod: string, argv: string[], container?: string): Promise<ExecResult> {
    return this.run(kubectlArgv.exec(this.settings, pod, argv, container), `kubectl exec ${pod}`);
  }

  logs(pod: string, container?: string): Promise<ExecResult> {
    return this.must(kubectlArgv.logs(this.settings, pod, container), `kubectl logs ${pod}`);
  }

  async delete(names: string[]): Promise<DeleteResult[]> {
    const t0 = performance.now();
    const before = new Map((await this.list()).map((p) => [p.name, p.node]));
    await this.must(kubectlArgv.delete(this.settings, names), 'kubectl delete');
    return names.map((name) => ({ name, node: before.get(name), deleted: before.has(name), ms: performance.now() - t0 }));
  }
}
