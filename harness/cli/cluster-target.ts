import { resolve } from 'node:path';
import { checkClusterName, SEED_TOPOLOGY } from '../cluster/topology.ts';
import { defaultStatePath, readState, type ClusterState } from '../cluster/state.ts';
import { UsageError } from '../errors.ts';
import { getProvider } from '../providers/index.ts';
import type { Provider } from '../providers/provider.ts';
import { stringOption, type OptionValues } from './args.ts';

export interface ClusterTarget {
  cluster: string;
  statePath: string;
  state: ClusterState | undefined;
  provider: Provider;
}

/** Which cluster a command is about: --name, else the state file's, else the default "lab". */
export async function clusterTarget(values: OptionValues): Promise<ClusterTarget> {
  const named = typeof values.name === 'string' ? values.name : undefined;
  if (named !== undefined) checkClusterName(named);
  const statePath = resolve(stringOption(values.state, defaultStatePath(named ?? SEED_TOPOLOGY.cluster)));
  const state = await readState(statePath);
  if (state && named && state.name !== named) {
    throw new UsageError(`--name ${named} but ${statePath} describes cluster ${JSON.stringify(state.name)}`);
  }
  const asked = typeof values.provider === 'string' ? values.provider : undefined;
  if (state && asked && state.provider !== asked) {
    throw new UsageError(
      `--provider ${asked} but cluster ${JSON.stringify(state.name)} (${statePath}) runs on ${state.provider}: \`./cluster.sh down\` it first, or use --name for another cluster`,
    );
  }
  const cluster = named ?? state?.name ?? SEED_TOPOLOGY.cluster;
  const provider = getProvider(stringOption(values.provider, state?.provider ?? 'docker'));
  return { cluster, statePath, state, provider };
}
