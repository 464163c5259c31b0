import { resolve } from 'node:path';
import { planCluster, SEED_TOPOLOGY, type ClusterPlan } from '../../cluster/topology.ts';
import { readState, removeState, writeState, type ClusterState } from '../../cluster/state.ts';
import { outsideLine, statusTable } from '../../cluster/status-table.ts';
import { planDifferences } from '../../cluster/plan-diff.ts';
import { InterruptedError, UsageError } from '../../errors.ts';
import { Progress } from '../../progress.ts';
import type { MachineHealth } from '../../providers/provider.ts';
import { intOption, stringOption, type OptionValues } from '../args.ts';
import { clusterTarget, type ClusterTarget } from '../cluster-target.ts';
import { CLUSTER_OPTIONS, type Command } from '../command.ts';
import { applyProviderOptions, printDryRun, PROVIDER_OPTIONS } from '../provider-options.ts';

export const clusterUp: Command = {
  name: 'cluster up',
  summary: 'create the cluster (or report it, if it is already up)',
  options: {
    ...CLUSTER_OPTIONS,
    workers: { type: 'string' },
    'host-network': { type: 'string' },
    'pod-network': { type: 'string' },
    'outside-network': { type: 'string' },
    retain: { type: 'boolean' },
    ...PROVIDER_OPTIONS,
  },
  async run(values) {
    const progress = new Progress();
    const target = await clusterTarget(values);
    // Options are checked before any I/O, quoting the bad value.
    const plan = planOf(target.cluster, values);
    applyProviderOptions(values, target.state);
    if (values['dry-run'] === true) return printDryRun(target.provider, { verb: 'up', plan, statePath: target.statePath });
    await progress.step('prerequisites', () => target.provider.checkPrerequisites());
    if (await reportIfUp(target, plan, values, progress)) return 0;

    await refuseIfRunsElsewhere(target);
    const leftovers = await target.provider.leftovers(target.cluster);
    if (leftovers.length > 0) {
      await progress.step(`remove ${leftovers.length} leftovers of an earlier up`, () => target.provider.delete(target.cluster, new Progress(() => {})));
    }
    await removeState(target.statePath);
    const state = await createOrCleanUp(target, plan, progress, values.retain === true);
    await progress.step('state file', () => writeState(target.statePath, state), () => target.statePath);
    print(state, await target.provider.health(state));
    progress.info(`cluster ${state.name} up in ${progress.elapsed()}`);
    return 0;
  },
};

function planOf(cluster: string, values: OptionValues): ClusterPlan {
  return planCluster({
    ...SEED_TOPOLOGY,
    cluster,
    workers: intOption('workers', values.workers, SEED_TOPOLOGY.workers),
    hostNetwork: stringOption(values['host-network'], SEED_TOPOLOGY.hostNetwork),
    podNetwork: stringOption(values['pod-network'], SEED_TOPOLOGY.podNetwork),
    outsideNetwork: stringOption(values['outside-network'], SEED_TOPOLOGY.outsideNetwork),
  });
}

/**
 * A second `up` reports the running cluster; a broken one is recreated. An `up` whose options
 * the running cluster does not match is refused rather than silently answered with it.
 */
async function reportIfUp(target: ClusterTarget, plan: ClusterPlan, values: OptionValues, progress: Progress): Promise<boolean> {
  if (!target.state) return false;
  const health = await target.provider.health(target.state);
  const down = health.filter((h) => h.state !== 'running' && !h.external);
  const unreached = health.filter((h) => h.state !== 'running' && h.external);
  if (unreached.length > 0) {
    progress.info(`${unreached.map((h) => h.name).join(' and ')} did not answer (not the lab's machines: recreating the cluster would not bring them back)`);
  }
  if (down.length === 0) {
    const diffs = planDifferences(target.state, plan, (option) => values[option] !== undefined);
    if (diffs.length > 0) {
      throw new UsageError(`cluster ${target.cluster} is already up, but not with ${diffs.join(', ')}: run \`./cluster.sh down\` first to recreate it`);
    }
    progress.info(`cluster ${target.cluster} is already up (state: ${target.statePath}); \`down\` first to change it`);
    print(target.state, health);
    return true;
  }
  progress.info(`cluster ${target.cluster} is broken (${down.map((h) => `${h.name} ${h.state}`).join(', ')}): recreating it`);
  return false;
}

/**
 * What exists of the cluster is a crashed up's leftovers only if no other state file
 * describes it: `up --state B` must not tear down the cluster that state A describes.
 */
async function refuseIfRunsElsewhere(target: ClusterTarget): Promise<void> {
  const recorded = await target.provider.statePathOf(target.cluster);
  if (!recorded || resolve(recorded) === resolve(target.statePath)) return;
  const other = await readState(recorded).catch(() => undefined);
  if (other?.name === target.cluster) {
    throw new UsageError(
      `cluster ${target.cluster} already runs, described by ${recorded}: pass --state ${recorded} to use it, or --name to make another cluster`,
    );
  }
}

/**
 * Creates the cluster; if that fails or the user interrupts it (Ctrl-C, SIGTERM: the current
 * step ends first, a second signal stops at once), removes what it made, kind-style, unless
 * --retain. A SIGKILL leaves the resources for the next `up` or `down`, found by label.
 */
async function createOrCleanUp(target: ClusterTarget, plan: ClusterPlan, progress: Progress, retain: boolean): Promise<ClusterState> {
  const { provider, statePath } = target;
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    progress.info(`${signal}: stopping after the current step (again to stop at once)`);
    abort.abort(new InterruptedError(signal));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await provider.create(plan, progress, { statePath, signal: abort.signal });
  } catch (e) {
    if (!retain) {
      progress.info(`up ${abort.signal.aborted ? 'interrupted' : 'failed'}: removing what it made (--retain keeps it for debugging)`);
      // The original error is what the user needs first; a failed cleanup is said, not hidden.
      await provider.delete(plan.cluster, progress).catch((d: unknown) => {
        progress.info(`the cleanup failed too, so some of cluster ${plan.cluster} is left: ${(d as Error).message}; \`./cluster.sh down --provider ${provider.name} --name ${plan.cluster}\` removes it once that is fixed`);
      });
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function print(state: ClusterState, health: MachineHealth[]): void {
  console.log(statusTable(state, health));
  console.log(outsideLine(state, health));
}
