import { describe, expect, it } from 'vitest';
import { batchFile, groupIpCommands } from './configure-machines.ts';

describe('route batches', () => {
  it('groups consecutive ip commands and keeps the order of everything', () => {
    const cmds = [['ip', 'route', 'flush', 'exact', '0.0.0.0/0'], ['ip', 'route', 'replace', '200.200.0.0/24', 'via', '10.0.0.2'], ['iptables', '-w', '-P', 'FORWARD', 'DROP'], ['ip', 'link']];
    expect(groupIpCommands(cmds)).toEqual([[cmds[0], cmds[1]], [cmds[2]], [cmds[3]]]);
  });

  it('writes one command per line without the leading ip, and refuses what it cannot quote', () => {
    expect(batchFile([['ip', 'route', 'replace', 'default', 'via', '10.0.255.254'], ['ip', 'route', 'replace', '200.200.1.0/24', 'via', '10.0.0.3']])).toBe(
      'route replace default via 10.0.255.254\nroute replace 200.200.1.0/24 via 10.0.0.3\n',
    );
    expect(() => batchFile([['ip', 'link', 'set', 'a b']])).toThrow(/cannot batch/);
  });
});
