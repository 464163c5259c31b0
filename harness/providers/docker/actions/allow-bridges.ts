import { allowBridge } from '../host-firewall.ts';
import { need, type Action } from './action.ts';

/** See host-firewall.ts: without these host rules, pod traffic between nodes is dropped by Docker. */
export const allowBridges: Action = {
  title: () => 'host rules: DOCKER-USER accepts bridged lab traffic',
  async execute(ctx) {
    const networks = need(ctx.networks, 'networks');
    await Promise.all(networks.map((n) => allowBridge(ctx.plan.cluster, n.bridge)));
  },
};
