import type { ExecResult } from '../host-exec.ts';
import type { PodDoc } from './pod-manifest.ts';

/** A pod as the runtime reports it (never as the harness guessed it). */
export interface PodInfo {
  name: string;
  /** Running, ContainerCreating, FailedCreatePodSandBox, Completed, ... */
  status: string;
  /** The pod's address, when it has one. */
  ip?: string;
  node: string;
  nodeIp?: string;
  /** Why the pod is not running, e.g. the CNI plugin's error, as a kubelet event says it. */
  message?: string;
  /** Its containers' names in the runtime (podman: <pod>-<container>). */
  containers: string[];
  /** Its network namespace, as a path on its node (podman: the infra container's SandboxKey). */
  netns?: string;
}

export type ApplyOutcome = 'created' | 'unchanged' | 'failed';

export interface ApplyResult {
  name: string;
  node: string;
  outcome: ApplyOutcome;
  message?: string;
  ms: number;
}

export interface DeleteResult {
  name: string;
  node?: string;
  deleted: boolean;
  ms: number;
}

/**
 * Turns pods into running pods and answers the same questions on every cluster: which pods,
 * where, which IP; exec and logs. `podman` on the lab's nodes, `kubernetes` on a real cluster.
 */
export interface PodRuntime {
  readonly name: 'podman' | 'kubernetes';
  apply(pods: PodDoc[]): Promise<ApplyResult[]>;
  list(): Promise<PodInfo[]>;
  /** Runs argv in the pod's first container (or the named one); the exit code is returned, not thrown. */
  exec(pod: string, argv: string[], container?: string): Promise<ExecResult>;
  logs(pod: string, container?: string): Promise<ExecResult>;
  delete(names: string[]): Promise<DeleteResult[]>;
}
