import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

/** The options of `npm run test:e2e`, as flags or as the environment variables CI sets. */
export interface E2eOptions {
  plugin?: string;
  config?: string;
  workers: number;
  scenario?: string;
  keep: boolean;
  provider: string;
  /** The ssh provider's inventory file. */
  inventory?: string;
  /** Anything else goes to `playwright test` as it is. */
  passThrough: string[];
}

const HELP = `npm run test:e2e -- [options] [playwright options]
  --plugin PATH      the CNI plugin executable to test (env CNI_PLUGIN; default: dist/my-cni-plugin)
  --config TEMPLATE  its jsonnet config template (env CNI_CONFIG; default: my-cni-plugin.conf.jsonnet)
  --workers N        worker nodes in the lab (env LAB_WORKERS; default 2)
  --scenario NAME    run only this scenario's cells, or a cell id prefix (env SCENARIO)
  --keep             leave the lab up afterwards (env KEEP=1)
  --project NAME     the provider: docker, qemu, ssh (env LAB_PROVIDER; default docker)
  --inventory FILE   the ssh provider's machines (env LAB_INVENTORY)`;

export function parseE2eOptions(argv: string[], env: NodeJS.ProcessEnv): E2eOptions | 'help' {
  const { values, tokens } = parseArgs({
    args: argv,
    options: {
      plugin: { type: 'string' },
      config: { type: 'string' },
      workers: { type: 'string' },
      scenario: { type: 'string' },
      keep: { type: 'boolean' },
      project: { type: 'string' },
      inventory: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: false,
    tokens: true,
  });
  if (values.help) return 'help';
  const known = new Set(['plugin', 'config', 'workers', 'scenario', 'keep', 'project', 'inventory', 'help', 'h']);
  const passThrough: string[] = [];
  for (const t of tokens ?? []) {
    if (t.kind === 'option' && !known.has(t.name)) passThrough.push(t.rawName, ...(t.value === undefined || t.inlineValue ? [] : [t.value]));
    if (t.kind === 'positional') passThrough.push(t.value);
  }
  const workersText = String(values.workers ?? env.LAB_WORKERS ?? '2');
  const workers = Number(workersText);
  if (!/^\d+$/.test(workersText) || workers < 1 || workers > 200) {
    throw new UsageError(`--workers ${JSON.stringify(workersText)} (or LAB_WORKERS): expected a whole number from 1 to 200`);
  }
  const str = (v: unknown, e: string | undefined) => (typeof v === 'string' && v !== '' ? v : e || undefined);
  const opts: E2eOptions = {
    workers,
    keep: values.keep === true || env.KEEP === '1' || env.KEEP === 'true',
    provider: str(values.project, env.LAB_PROVIDER) ?? 'docker',
    passThrough,
  };
  const plugin = str(values.plugin, env.CNI_PLUGIN);
  const config = str(values.config, env.CNI_CONFIG);
  const scenario = str(values.scenario, env.SCENARIO);
  const inventory = str(values.inventory, env.LAB_INVENTORY);
  if (inventory) opts.inventory = inventory;
  if (plugin) opts.plugin = plugin;
  if (config) opts.config = config;
  if (scenario) opts.scenario = scenario;
  if (Boolean(opts.plugin) !== Boolean(opts.config)) {
    throw new UsageError('--plugin and --config (CNI_PLUGIN and CNI_CONFIG) go together: a plugin needs its config template');
  }
  return opts;
}

export const E2E_HELP = HELP;
