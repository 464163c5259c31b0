import { expect, it } from 'vitest';
import { probe, probeArgv } from './probe.ts';
import { cellFor } from './test-cells.ts';

it('builds one nping echo-client probe per protocol', () => {
  expect(probeArgv(cellFor({}), 's3cret', 40000)).toEqual(['nping', '--echo-client', 's3cret', '--no-crypto', '--udp', '-p', '53', '-g', '40000', '-c', '1', '200.200.2.2']);
  const port = Number(probeArgv(cellFor({}), 's')[8]);
  expect(port).toBeGreaterThanOrEqual(32768);
  expect(port).toBeLessThanOrEqual(60999);
  expect(probeArgv(cellFor({ protocol: { name: 'icmp' } }), 's').slice(4)).toEqual(['--icmp', '-c', '1', '200.200.2.2']);
});

it('runs at the source, keeps the raw output and hides the secret', async () => {
  const calls: string[][] = [];
  const result = await probe(cellFor({}), 's3cret', {
    exec: async (_src, argv) => {
      calls.push(argv);
      return { stdout: 'CAPT (0.1s) UDP 200.200.1.2:53 > 200.200.2.2:53 ttl=64\n', stderr: 'warning s3cret', exitCode: 0 };
    },
  });
  expect(calls).toHaveLength(1);
  expect(result.observation).toMatchObject({ reached: true, sourceSeen: '200.200.1.2' });
  expect(result.command).toMatch(/^pod pod-1: nping --echo-client <secret> --no-crypto --udp -p 53 -g \d+ -c 1 200\.200\.2\.2$/);
  expect(result.raw).not.toContain('s3cret');
});
