import { UsageError } from '../../errors.ts';
import { POD_OPTIONS, selectRuntime } from '../../pods/select-runtime.ts';
import type { Command } from '../command.ts';

export const logs: Command = {
  name: 'logs',
  summary: "print a pod's container output (kubectl logs POD)",
  options: { ...POD_OPTIONS, container: { type: 'string', short: 'c' } },
  args: 'POD',
  async run(values, args) {
    const [pod, ...extra] = args.positionals;
    if (!pod || extra.length > 0 || args.after.length > 0) throw new UsageError('logs: usage: logs POD [-c CONTAINER]');
    const res = await (await selectRuntime(values)).logs(pod, typeof values.container === 'string' ? values.container : undefined);
    process.stdout.write(res.stdout);
    process.stderr.write(res.stderr);
    return 0;
  },
};
