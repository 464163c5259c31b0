import { planCluster, SEED_TOPOLOGY } from '../../cluster/topology.ts';
import { removeState, writeState } from '../../cluster/state.ts';
import { outsideLine, statusTable } from '../../cluster/status-table.ts';
import { Progress } from '../../progress.ts';
import { intOption, stringOption } from '../args.ts';
import { clusterTarget } from '../cluster-target.ts';
import { CLUSTER_OPTIONS, type Command } from '../command.ts';

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
  },
  async run(values) {
    const progress = new Progress();
    const target = await clusterTarget(values);
    // Options are checked before any I/O, quoting the bad value.
    const plan = planCluster({
      ...SEED_TOPOLOGY,
      cluster: target.cluster,
      workers: intOption('workers', values.workers, SEED_TOPOLOGY.workers),
      hostNetwork: stringOption(values['host-network'], SEED_TOPOLOGY.hostNetwork),
      podNetwork: stringOption(values['pod-network'], SEED_TOPOLOGY.podNetwork),
      outsideNetwork: stringOption(values['outside-network'], SEED_TOPOLOGY.outsideNetwork),
    });
    const { provider, statePath } = target;
    await progress.step('prerequisites', () => provider.checkPrerequisites());

    if (target.state) {
      const health = await provider.health(target.state);
      const down = health.filter((h) => h.state !== 'running');
      if (down.length === 0) {
        progress.info(`cluster ${target.cluster} is already up (state: ${statePath}); \`down\` first to change it`);
        console.log(statusTable(target.state, health));
        console.log(outsideLine(target.state, health));
        return 0;
      }
      progress.info(`cluster ${target.cluster} is broken (${down.map((h) => `${h.name} ${h.state}`).join(', ')}): recreating it`);
    }
    const leftovers = await provider.leftovers(target.cluster);
    if (leftovers.length > 0) {
      await progress.step(`remove ${leftovers.length} leftovers of an earlier up`, () => provider.delete(target.cluster, new Progress(() => {})));
    }
    await removeState(statePath);

    let state;
    try {
      state = await provider.create(plan, progress);
    } catch (e) {
      if (!values.retain) {
        progress.info('up failed: removing what it made (--retain keeps it for debugging)');
        await provider.delete(target.cluster, progress).catch(() => {});
      }
      throw e;
    }
    await progress.step('state file', () => writeState(statePath, state), () => statePath);
    const health = await provider.health(state);
    console.log(statusTable(state, health));
    console.log(outsideLine(state, health));
    progress.info(`cluster ${state.name} up in ${progress.elapsed()}`);
    return 0;
  },
};
