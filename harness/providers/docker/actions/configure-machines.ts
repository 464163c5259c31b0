import type { NodeTransport } from '../../provider.ts';
import { echoHostCommands, nodeCommands, routerCommands } from '../machine-config.ts';
import { containerName } from '../names.ts';
import { DockerNodeTransport } from '../transport.ts';
import type { Action } from './action.ts';
import { settleAll } from './settle-all.ts';

/** Routes and router rules (machine-config.ts), every machine at once, each in order. */
export const configureMachines: Action = {
  title: () => 'routes and router rules',
  async execute(ctx) {
    const { plan } = ctx;
    const on = (name: string): NodeTransport => new DockerNodeTransport(name, containerName(plan.cluster, name));
    await settleAll([
      runAll(on('router'), routerCommands(plan)),
      runAll(on('echo'), echoHostCommands(plan)),
      ...plan.nodes.map((n) => runAll(on(n.name), nodeCommands(plan, n.name))),
    ]);
  },
};

async function runAll(t: NodeTransport, cmds: string[][]): Promise<void> {
  for (const argv of cmds) await t.exec(argv, { what: `configure ${t.node}` });
}
