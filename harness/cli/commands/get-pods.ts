import { UsageError } from '../../errors.ts';
import { podTable } from '../../pods/pod-table.ts';
import { POD_OPTIONS, selectRuntime } from '../../pods/select-runtime.ts';
import type { Command } from '../command.ts';

export const getPods: Command = {
  name: 'get pods',
  summary: 'NAME, STATUS, IP, NODE, NODE_IP of every pod, as the runtime reports them (-o wide|json)',
  options: { ...POD_OPTIONS, output: { type: 'string', short: 'o' } },
  async run(values) {
    const output = values.output ?? 'wide';
    if (output !== 'wide' && output !== 'json') throw new UsageError(`get pods -o ${JSON.stringify(output)}: use wide or json`);
    const pods = await (await selectRuntime(values)).list();
    console.log(output === 'json' ? JSON.stringify(pods, null, 2) : podTable(pods));
    return 0;
  },
};
