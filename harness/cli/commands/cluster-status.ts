import { outsideLine, statusTable } from '../../cluster/status-table.ts';
import { clusterTarget } from '../cluster-target.ts';
import { CLUSTER_OPTIONS, type Command } from '../command.ts';

export const clusterStatus: Command = {
  name: 'cluster status',
  summary: 'print NODE, ROLE, NODE_IP, POD_CIDR, STATE for every node',
  options: CLUSTER_OPTIONS,
  async run(values) {
    const { cluster, statePath, state, provider } = await clusterTarget(values);
    if (!state) {
      const leftovers = await provider.leftovers(cluster).catch(() => []);
      console.error(`cluster ${cluster} is not up (no state file ${statePath})`);
      if (leftovers.length > 0) console.error(`leftovers of an earlier up (remove them with \`./cluster.sh down\`):\n  ${leftovers.join('\n  ')}`);
      return 1;
    }
    const health = await provider.health(state);
    console.log(statusTable(state, health));
    console.log(outsideLine(state, health));
    return health.every((h) => h.state === 'running') ? 0 : 1;
  },
};
