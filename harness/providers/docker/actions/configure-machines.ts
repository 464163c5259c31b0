import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeTransport } from '../../provider.ts';
import { echoHostCommands, nodeCommands, routerCommands } from '../machine-config.ts';
import { containerName } from '../names.ts';
import { DockerNodeTransport } from '../transport.ts';
import type { Action } from './action.ts';
import { settleAll } from './settle-all.ts';

/** Where a machine keeps its route batch: left in place, so a failed batch can be re-run by hand. */
const BATCH_PATH = '/run/cni-lab-routes.batch';

/** Routes and router rules (machine-config.ts), every machine at once, each in order. */
export const configureMachines: Action = {
  title: () => 'routes and router rules',
  async execute(ctx) {
    const { plan } = ctx;
    const on = (name: string): NodeTransport => new DockerNodeTransport(name, containerName(plan.cluster, name));
    const work = await mkdtemp(join(tmpdir(), 'cni-lab-config-'));
    try {
      await settleAll([
        runAll(on('router'), routerCommands(plan), work),
        runAll(on('echo'), echoHostCommands(plan), work),
        ...plan.nodes.map((n) => runAll(on(n.name), nodeCommands(plan, n.name), work)),
      ]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};

/**
 * Runs the commands in order. Consecutive `ip` commands go in one `ip -batch` file (one copy
 * and one exec instead of one exec each: with 10 workers, 11 routes per node made this step
 * take 3.5 s), the others one exec each.
 */
async function runAll(t: NodeTransport, cmds: string[][], work: string): Promise<void> {
  for (const group of groupIpCommands(cmds)) {
    if (group[0]?.[0] !== 'ip' || group.length === 1) {
      for (const argv of group) await t.exec(argv, { what: `configure ${t.node}` });
      continue;
    }
    const local = join(work, `${t.node}.batch`);
    await writeFile(local, batchFile(group));
    await t.copy(local, BATCH_PATH);
    await t.exec(['ip', '-batch', BATCH_PATH], { what: `configure ${t.node}` });
  }
}

/** Splits the commands into runs of consecutive `ip` commands and single other commands. */
export function groupIpCommands(cmds: string[][]): string[][][] {
  const groups: string[][][] = [];
  for (const argv of cmds) {
    const last = groups.at(-1);
    if (argv[0] === 'ip' && last?.[0]?.[0] === 'ip') last.push(argv);
    else groups.push([argv]);
  }
  return groups;
}

/** `ip -batch` input: one command per line without the leading `ip`; it splits on blanks. */
export function batchFile(cmds: string[][]): string {
  return cmds
    .map((argv) => {
      const args = argv.slice(1);
      if (args.some((a) => /[\s"'\\#]/.test(a) || a === '')) throw new Error(`cannot batch ${JSON.stringify(argv)}`);
      return `${args.join(' ')}\n`;
    })
    .join('');
}
