import type { PodInfo } from './pod-runtime.ts';

/** `podman pod ps --format json`, the fields used here. */
export interface PodmanPod {
  Name: string;
  Status: string;
  InfraId: string;
  Networks?: string[];
  Containers: Array<{ Id: string; Names: string; Status: string }>;
}

/** `podman inspect` of an infra container: where its address is. */
export interface PodmanInfra {
  Id: string;
  /** SandboxKey: the pod's network namespace on the node (/run/netns/netns-...). */
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }>; SandboxKey?: string };
}

/**
 * The pods of one node from podman's own answers: the IP from the infra container's network
 * settings, the status from the pod's, and, for a pod whose network setup failed, the error
 * that `kube play` printed (kept on the node by apply), as a kubelet event would carry it.
 */
export function podsFromPodman(
  node: { name: string; ip: string },
  pods: PodmanPod[],
  infras: PodmanInfra[],
  events: Map<string, string>,
): PodInfo[] {
  return pods.map((p) => {
    const infra = infras.find((i) => i.Id === p.InfraId);
    const ip = Object.values(infra?.NetworkSettings?.Networks ?? {}).map((n) => n.IPAddress).find((a) => a);
    const message = events.get(p.Name);
    const netns = infra?.NetworkSettings?.SandboxKey;
    return {
      name: p.Name,
      status: podStatus(p.Status, message !== undefined),
      ...(ip ? { ip } : {}),
      node: node.name,
      nodeIp: node.ip,
      ...(message !== undefined ? { message } : {}),
      containers: p.Containers.filter((c) => c.Id !== p.InfraId).map((c) => c.Names),
      ...(netns ? { netns } : {}),
    };
  });
}

/** Podman's pod states in kubectl's words. */
export function podStatus(podman: string, failedSetup: boolean): string {
  if (failedSetup && podman !== 'Running') return 'FailedCreatePodSandBox';
  switch (podman) {
    case 'Running':
      return 'Running';
    case 'Created':
      return 'ContainerCreating';
    case 'Exited':
    case 'Stopped':
      return 'Completed';
    default:
      return podman;
  }
}

/** The line of `podman kube play`'s error output that names the CNI failure, else its last line. */
export function setupError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const cni = lines.find((l) => /failed \(add\)/.test(l));
  const line = cni ?? lines.filter((l) => !l.startsWith('time=')).at(-1) ?? 'podman kube play failed';
  // "starting container <id>: plugin type=..." -> "plugin type=...", as kubelet's event shows it.
  return line.replace(/^\[?starting container [0-9a-f]+: /, '').replace(/\]$/, '');
}

/** `find ... -exec grep -H '' {} +` output, `<dir>/<pod>.event:<message>`, as pod -> message. */
export function parseEvents(out: string): Map<string, string> {
  const events = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /\/([^/]+)\.event:(.*)$/.exec(line);
    if (m) events.set(m[1]!, m[2]!);
  }
  return events;
}
