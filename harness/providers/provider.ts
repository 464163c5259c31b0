import type { ClusterPlan } from '../cluster/topology.ts';
import type { ClusterState, NodeState } from '../cluster/state.ts';
import type { ExecResult } from '../host-exec.ts';
import type { Progress } from '../progress.ts';

export type { ExecResult };

export interface NodeExecOptions {
  /** Names the operation in the error, e.g. "add pod route". */
  what?: string;
  /** Return the result instead of throwing when the exit code is not 0. */
  allowFailure?: boolean;
}

/**
 * The one way later steps (install, pods, probes) reach a node: argv arrays, never shell
 * strings built from data. A non-zero exit throws a CommandError that carries a pasteable
 * command, the node, the exit code and the tail of stderr.
 */
export interface NodeTransport {
  readonly node: string;
  exec(argv: readonly string[], opts?: NodeExecOptions): Promise<ExecResult>;
  /** Copies one local file to remotePath (a full file path) on the node, keeping its mode. */
  copy(localPath: string, remotePath: string): Promise<void>;
}

export interface CreateOptions {
  /** The state file that `up` will write: recorded on the machines, so that another `up` with another state file does not take them for leftovers. */
  statePath: string;
  signal?: AbortSignal;
}

/** One command a provider would run, for --dry-run: what it is for, and a line to paste into a shell. */
export interface PlannedCommand {
  title: string;
  command: string;
}

/** What --dry-run asks a provider for: the commands of `up` for a plan, or of `down` for a cluster (and its state, if any). */
export type DryRunRequest =
  | { verb: 'up'; plan: ClusterPlan; statePath: string }
  | { verb: 'down'; cluster: string; state?: ClusterState };

export type MachineState = 'running' | 'stopped' | 'missing';

export interface MachineHealth {
  name: string;
  state: MachineState;
  /** Not the lab's machine (an ssh inventory's router and echo host): a second `up` does not recreate the cluster for it, which could not bring it back. */
  external?: boolean;
}

/** Makes machines and the network between them, kind-style: one folder per provider. */
export interface Provider {
  readonly name: string;
  /** Throws a PrerequisiteError naming the fix for the first thing this machine lacks. */
  checkPrerequisites(): Promise<void>;
  /** Creates the cluster of the plan from nothing, recording statePath on its machines, and returns its state; on failure or abort (checked between steps) it throws and may leave resources for delete() to find. */
  create(plan: ClusterPlan, progress: Progress, options: CreateOptions): Promise<ClusterState>;
  /** Returns the state file path recorded on the named cluster's machines, if any machine exists. */
  statePathOf(cluster: string): Promise<string | undefined>;
  /** Reports, for every node and helper machine of the state, whether it is running. */
  health(state: ClusterState): Promise<MachineHealth[]>;
  /** Lists what exists of the named cluster (machines, networks, host rules), found by labels and comments alone. */
  leftovers(cluster: string): Promise<string[]>;
  /** Removes everything of the named cluster, found by labels and comments alone, so it works without a state file and after a crash; safe to call twice. */
  delete(cluster: string, progress: Progress): Promise<void>;
  /** Optional: removes the files this machine keeps for the cluster beside its state (keys, a kubeconfig), named by the state; called by `down` once the cluster is gone. */
  forget?(state: ClusterState): Promise<string[]>;
  /** Optional (--dry-run): the commands `up` or `down` would run, in order, computed without running anything or touching any file. */
  plan?(request: DryRunRequest): PlannedCommand[];
  /** Returns the transport to one node of the state. */
  transport(state: ClusterState, node: NodeState): NodeTransport;
}
