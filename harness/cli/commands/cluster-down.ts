import { removeState } from '../../cluster/state.ts';
import { Progress } from '../../progress.ts';
import { clusterTarget } from '../cluster-target.ts';
import { CLUSTER_OPTIONS, type Command } from '../command.ts';
import { applyProviderOptions, printDryRun, PROVIDER_OPTIONS } from '../provider-options.ts';

export const clusterDown: Command = {
  name: 'cluster down',
  summary: 'remove every container, network and host rule of the cluster (safe to run twice)',
  options: { ...CLUSTER_OPTIONS, ...PROVIDER_OPTIONS },
  async run(values) {
    const progress = new Progress();
    const { cluster, statePath, state, provider } = await clusterTarget(values);
    applyProviderOptions(values, state);
    if (values['dry-run'] === true) return printDryRun(provider, { verb: 'down', cluster, ...(state ? { state } : {}) });
    // Without --name, the cluster comes from the state file; when a --state file is gone
    // (a second down), guessing the default name could remove someone else's `lab`.
    if (!state && values.state !== undefined && values.name === undefined) {
      progress.info(`no cluster state at ${statePath}: nothing to remove (--name NAME removes a cluster's leftovers by label)`);
      return 0;
    }
    await progress.step('prerequisites', () => provider.checkPrerequisites());
    // Without --name, only a cluster of this machine's: statePathOf refuses one that another
    // machine brought up (gcp, ssh), and says how to remove it from here if that is meant.
    if (!state && values.name === undefined) await provider.statePathOf(cluster);
    const leftovers = await provider.leftovers(cluster);
    if (leftovers.length === 0) {
      progress.info(`cluster ${cluster}: nothing to remove`);
    } else {
      await provider.delete(cluster, progress);
    }
    if (state && provider.forget) {
      const files = await provider.forget(state);
      if (files.length > 0) progress.info(`removed ${files.join(', ')}`);
    }
    await removeState(statePath);
    const remaining = await provider.leftovers(cluster);
    if (remaining.length > 0) {
      throw new Error(`cluster ${cluster}: still present after down:\n  ${remaining.join('\n  ')}`);
    }
    progress.info(`cluster ${cluster} is down (${progress.elapsed()})`);
    return 0;
  },
};
