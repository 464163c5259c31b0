import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { InventoryError, loadInventory } from './inventory.ts';

const dir = mkdtempSync(join(tmpdir(), 'cni-lab-inventory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = ssh2.utils.generateKeyPairSync('ed25519');
writeFileSync(join(dir, 'id'), key.private, { mode: 0o600 });
writeFileSync(join(dir, 'id.pub'), key.public);
const hostKey = key.public.split(' ')[1]!;

const GOOD = `hostNetwork: 10.0.0.0/16
podNetwork: 200.200.0.0/16
nodes:
  - name: my-k8s-master
    host: 127.0.0.1
    port: 2201
    key: id
    hostKey: ${hostKey}
    nodeIp: 10.0.0.2
    podCidr: 200.200.0.0/24
  - name: my-k8s-worker-1
    host: 127.0.0.1
    port: 2202
    key: ./id
    nodeIp: 10.0.0.3
    podCidr: 200.200.1.0/24
outside:
  echoHostIp: 198.51.100.10
  echoSecret: s3cret
  routerHostIp: 10.0.255.254
`;

function load(text: string) {
  const file = join(dir, `inv-${Math.random().toString(16).slice(2)}.yaml`);
  writeFileSync(file, text);
  return { file, load: () => loadInventory(file) };
}

function problems(text: string): string[] {
  const { load: l } = load(text);
  try {
    l();
  } catch (e) {
    expect(e).toBeInstanceOf(InventoryError);
    expect((e as Error).message).toContain('nothing was changed on any machine');
    return (e as InventoryError).problems;
  }
  throw new Error('expected an InventoryError');
}

describe('ssh inventory', () => {
  it('reads a good file with its defaults', () => {
    const { file, load: l } = load(GOOD);
    const inv = l();
    expect(inv.file).toBe(file);
    expect(inv.nodeCidrMaskSize).toBe(24);
    expect(inv.nodes.map((n) => [n.name, n.role, n.user, n.port, n.key])).toEqual([
      ['my-k8s-master', 'control-plane', 'root', 2201, join(dir, 'id')],
      ['my-k8s-worker-1', 'worker', 'root', 2202, join(dir, 'id')],
    ]);
    expect(inv.nodes[0]!.hostKey).toBe(hostKey);
    expect(inv.outside).toEqual({
      echoHostIp: '198.51.100.10', echoSecret: 's3cret', echoHostName: 'echo.nmap.org', network: '198.51.100.10/32',
      routerHostIp: '10.0.255.254', routerOutsideIp: '',
    });
  });

  it('names file, line, field, what is wrong and the fix', () => {
    const p = problems(GOOD.replace('    nodeIp: 10.0.0.3\n', ''));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/inv-\w+\.yaml:\d+:\d+: nodes\.1\.nodeIp: is missing; give the node's address/);
  });

  it('a bad CIDR, with the line it is on', () => {
    const p = problems(GOOD.replace('podCidr: 200.200.1.0/24', 'podCidr: 200.200.1.7/24'));
    expect(p).toEqual([expect.stringMatching(/:16:14: nodes\.1\.podCidr: invalid network "200\.200\.1\.7\/24": host bits set \(did you mean 200\.200\.1\.0\/24\?\).*; give the node's pod subnet/)]);
  });

  it('a key file that does not exist, resolved against the inventory file', () => {
    const p = problems(GOOD.replace('key: ./id', 'key: missing-key'));
    expect(p).toEqual([expect.stringContaining(`nodes.1.key: ${join(dir, 'missing-key')} cannot be read (ENOENT); give an existing private key file`)]);
  });

  it('a public key where the private one belongs, a bad host key, an unknown field: all at once', () => {
    const p = problems(GOOD.replace('key: ./id', 'key: id.pub').replace(`hostKey: ${hostKey}`, 'hostKey: not-base64!').replace('  echoSecret', '  colour: red\n  echoSecret'));
    expect(p.join('\n')).toMatch(/nodes\.0\.hostKey: is not the base64 blob/);
    expect(p.join('\n')).toMatch(/nodes\.1\.key: .*id\.pub is (a public key|not a usable private key)/);
    expect(p.join('\n')).toMatch(/outside\.colour: unknown field "colour"; remove it/);
  });

  it('checks nodes against each other and the networks', () => {
    const p = problems(GOOD.replace('nodeIp: 10.0.0.3', 'nodeIp: 10.0.0.2').replace('podCidr: 200.200.1.0/24', 'podCidr: 200.200.0.0/24').replace('echoHostIp: 198.51.100.10', 'echoHostIp: 10.0.9.9'));
    expect(p.join('\n')).toMatch(/nodes\.1\.nodeIp: 10\.0\.0\.2 is also the nodeIp of my-k8s-master/);
    expect(p.join('\n')).toMatch(/nodes\.1\.podCidr: 200\.200\.0\.0\/24 overlaps my-k8s-master's/);
    expect(p.join('\n')).toMatch(/outside\.echoHostIp: 10\.0\.9\.9 is inside hostNetwork/);
  });

  it('missing sections and files', () => {
    expect(problems('hostNetwork: 10.0.0.0/16\npodNetwork: 200.200.0.0/16\n').join('\n')).toMatch(/nodes: is missing[\s\S]*outside: is missing/);
    expect(problems('nodes: [\n').join('\n')).toMatch(/not valid YAML/);
    expect(() => loadInventory(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: cannot be read \(ENOENT\); give --inventory an existing YAML file/);
  });
});
