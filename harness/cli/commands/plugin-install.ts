import { resolve } from 'node:path';
import { StateError } from '../../errors.ts';
import { checkInstallOptions, DEFAULT_PLUGIN, DEFAULT_TEMPLATE, fileSha256, installOnNode, planInstall } from '../../install/install.ts';
import { Progress } from '../../progress.ts';
import { settleAll } from '../../providers/docker/actions/settle-all.ts';
import { stringOption } from '../args.ts';
import { clusterTarget } from '../cluster-target.ts';
import { CLUSTER_OPTIONS, type Command } from '../command.ts';

export const pluginInstall: Command = {
  name: 'plugin install',
  summary: 'render the config per node and copy the plugin and its config onto every node',
  options: { ...CLUSTER_OPTIONS, plugin: { type: 'string' }, config: { type: 'string' } },
  async run(values) {
    const progress = new Progress();
    const options = {
      plugin: resolve(stringOption(values.plugin, DEFAULT_PLUGIN)),
      template: resolve(stringOption(values.config, DEFAULT_TEMPLATE)),
    };
    await checkInstallOptions(options);
    const { state, statePath, cluster, provider } = await clusterTarget(values);
    if (!state) throw new StateError(statePath, `does not exist: cluster ${cluster} is not up (./cluster.sh up)`);
    const plans = await progress.step('render the config for every node', async () => {
      const localSum = await fileSha256(options.plugin);
      return settleAll(state.nodes.map((n) => planInstall(state, n.name, provider.transport(state, n), options, localSum)));
    });
    await settleAll(
      plans.map((plan) =>
        progress.step(
          `install on ${plan.node.node}`,
          () => installOnNode(plan, options),
          (r) => `${r.manifest.binary}${r.copied ? '' : ' (unchanged)'}, ${r.manifest.confList} (network ${r.manifest.network}, pod subnet ${plan.podCidr})`,
        ),
      ),
    );
    progress.info(`installed ${options.plugin} on ${state.nodes.length} nodes in ${progress.elapsed()}`);
    return 0;
  },
};
