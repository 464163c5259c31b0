import { StateError } from '../../errors.ts';
import { checkNoPods, uninstallFromNode } from '../../install/uninstall.ts';
import { Progress } from '../../progress.ts';
import { settleAll } from '../../providers/docker/actions/settle-all.ts';
import { clusterTarget } from '../cluster-target.ts';
import { CLUSTER_OPTIONS, type Command } from '../command.ts';

export const pluginUninstall: Command = {
  name: 'plugin uninstall',
  summary: 'remove the plugin and its config from every node; --purge also reverts its bridge, rules and IPAM store',
  options: { ...CLUSTER_OPTIONS, purge: { type: 'boolean' } },
  async run(values) {
    const progress = new Progress();
    const { state, statePath, cluster, provider } = await clusterTarget(values);
    if (!state) throw new StateError(statePath, `does not exist: cluster ${cluster} is not up (./cluster.sh up)`);
    const purge = values.purge === true;
    await progress.step('no pods left on the network', () => settleAll(state.nodes.map((n) => checkNoPods(provider.transport(state, n)))));
    await settleAll(
      state.nodes.map((n) =>
        progress.step(
          `${purge ? 'uninstall --purge' : 'uninstall'} on ${n.name}`,
          () => uninstallFromNode(provider.transport(state, n), purge),
          (r) => (r.removed.length > 0 ? `removed ${r.removed.join(', ')}` : 'nothing installed'),
        ),
      ),
    );
    return 0;
  },
};
