import { stringOption, type OptionValues } from '../cli/args.ts';
import { clusterTarget } from '../cli/cluster-target.ts';
import type { OptionSpec } from '../cli/args.ts';
import { CLUSTER_OPTIONS } from '../cli/command.ts';
import { StateError, UsageError } from '../errors.ts';
import { KubectlRuntime } from './kubectl-runtime.ts';
import { POD_IMAGE } from './pod-image.ts';
import type { PodRuntime } from './pod-runtime.ts';
import { PodmanRuntime } from './podman-runtime.ts';

/** Options of every pod command: which cluster, and which pod runtime. */
export const POD_OPTIONS: OptionSpec = {
  ...CLUSTER_OPTIONS,
  runtime: { type: 'string' },
  kubeconfig: { type: 'string' },
  'pod-image': { type: 'string' },
  'echo-secret': { type: 'string' },
};

export const POD_OPTIONS_USAGE = [
  'pod options:     --runtime podman|kubernetes (default: podman on a lab with a state file, else kubernetes when KUBECONFIG is set),',
  '                 --kubeconfig FILE, --pod-image IMAGE (kubernetes: the image to run instead of the lab-built one), --echo-secret S',
];

/**
 * The runtime a pod command talks to: `--runtime`, else podman when the lab is up (its state
 * file exists), else kubectl when KUBECONFIG (or --kubeconfig) names a real cluster.
 */
export async function selectRuntime(values: OptionValues): Promise<PodRuntime> {
  const asked = typeof values.runtime === 'string' ? values.runtime : undefined;
  if (asked !== undefined && asked !== 'podman' && asked !== 'kubernetes') {
    throw new UsageError(`--runtime ${JSON.stringify(asked)}: use podman (the lab) or kubernetes (a real cluster, through kubectl)`);
  }
  const kubeconfig = stringOption(values.kubeconfig, process.env.KUBECONFIG ?? '');
  const target = await clusterTarget(values);
  if (asked === 'kubernetes' || (asked === undefined && !target.state && kubeconfig)) {
    const image = typeof values['pod-image'] === 'string' ? values['pod-image'] : undefined;
    return new KubectlRuntime({
      ...(kubeconfig ? { kubeconfig } : {}),
      ...(image ? { images: { [POD_IMAGE]: image } } : {}),
      ...(typeof values['echo-secret'] === 'string' ? { echoSecret: values['echo-secret'] } : {}),
    });
  }
  if (!target.state) {
    throw new StateError(target.statePath, `does not exist: cluster ${target.cluster} is not up (./cluster.sh up), and no KUBECONFIG names a real cluster`);
  }
  return new PodmanRuntime(target.state, target.provider);
}
