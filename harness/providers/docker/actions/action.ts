import type { ClusterPlan } from '../../../cluster/topology.ts';
import type { CreatedNetwork } from '../networks.ts';
import type { NodeImage } from '../node-image.ts';

/** What the create actions share: the plan, and what earlier actions made. */
export interface CreateContext {
  readonly plan: ClusterPlan;
  /** The state file `up` writes, recorded on every machine (label cni-lab.state). */
  readonly statePath: string;
  /** The passphrase of every nping echo server in the lab. */
  readonly echoSecret: string;
  image?: NodeImage;
  networks?: CreatedNetwork[];
  /** Container id per machine name (nodes, router, echo). */
  containerIds: Map<string, string>;
}

/** One step of `cluster up`, kind-style: a title for the progress line and execute(ctx). */
export interface Action {
  title(ctx: CreateContext): string;
  /** Does the step; the string it may return is shown after the title. */
  execute(ctx: CreateContext): Promise<string | void>;
}

/** A value an earlier action must have set; a missing one is a bug in the action list. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`create action ordering: ${what} is not there yet`);
  return value;
}
