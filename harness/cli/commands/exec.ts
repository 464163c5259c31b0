import { UsageError } from '../../errors.ts';
import { POD_OPTIONS, selectRuntime } from '../../pods/select-runtime.ts';
import type { Command } from '../command.ts';

export const exec: Command = {
  name: 'exec',
  summary: "run a command in a pod's container (kubectl exec POD -- CMD); its exit code is exec's",
  options: { ...POD_OPTIONS, container: { type: 'string', short: 'c' } },
  args: 'POD -- COMMAND [ARGS...]',
  async run(values, args) {
    const [pod, ...extra] = args.positionals;
    if (!pod || extra.length > 0 || args.after.length === 0) throw new UsageError('exec: usage: exec POD [-c CONTAINER] -- COMMAND [ARGS...]');
    const res = await (await selectRuntime(values)).exec(pod, args.after, typeof values.container === 'string' ? values.container : undefined);
    process.stdout.write(res.stdout);
    process.stderr.write(res.stderr);
    return res.exitCode;
  },
};
