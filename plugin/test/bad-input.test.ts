import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestNode, add, addNetns, cni, destroyAll, netnsPath, podLinks, type CniCall } from './lab-netns.ts';

let node: TestNode;
let pod: string;
let base: Record<string, string>;

beforeAll(() => {
  node = new TestNode();
  // The node-wide parts exist already, so "changes nothing" covers them too.
  add(node, addNetns('pod'), 'primer');
  pod = addNetns('pod');
  base = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'ctr-1', CNI_NETNS: netnsPath(pod), CNI_IFNAME: 'eth0', CNI_PATH: '/usr/lib/cni' };
});
afterAll(() => {
  node.destroy();
  destroyAll();
});

interface Case {
  name: string;
  call: () => Partial<CniCall>;
  code: number;
  /** Fragments the message must hold: the field, and how to fix it. */
  msg: RegExp[];
}

const env = (patch: Record<string, string | undefined>) => () => {
  const e: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete e[k];
    else e[k] = v;
  }
  return { env: e };
};
const config = (patch: Record<string, unknown>) => () => ({ env: base, config: node.config(patch) });

const cases: Case[] = [
  ...['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME', 'CNI_PATH'].map((v) => ({
    name: `${v} missing`,
    call: env({ [v]: undefined }),
    code: 4,
    msg: [new RegExp(`\\[${v}\\] missing`), /set them/],
  })),
  { name: 'CNI_COMMAND missing', call: env({ CNI_COMMAND: undefined }), code: 4, msg: [/CNI_COMMAND is not set/, /ADD, DEL, CHECK/] },
  { name: 'CNI_COMMAND unknown', call: env({ CNI_COMMAND: 'ATTACH' }), code: 4, msg: [/unknown CNI_COMMAND "ATTACH"/, /use one of/] },
  { name: 'CNI_CONTAINERID with "/"', call: env({ CNI_CONTAINERID: 'a/b' }), code: 4, msg: [/CNI_CONTAINERID "a\/b" is invalid/, /only letters, digits/] },
  { name: 'CNI_CONTAINERID with ".."', call: env({ CNI_CONTAINERID: '../etc' }), code: 4, msg: [/CNI_CONTAINERID "\.\.\/etc" is invalid/, /start with a letter or digit/] },
  { name: 'CNI_IFNAME over 15 characters', call: env({ CNI_IFNAME: 'eth0123456789abc' }), code: 4, msg: [/CNI_IFNAME "eth0123456789abc" is too long \(16 bytes/, /1 to 15 characters/] },
  { name: 'CNI_IFNAME with "/"', call: env({ CNI_IFNAME: 'eth/0' }), code: 4, msg: [/CNI_IFNAME "eth\/0" is not a valid interface name/] },
  { name: 'CNI_ARGS malformed', call: env({ CNI_ARGS: 'K8S_POD_NAME' }), code: 4, msg: [/CNI_ARGS entry "K8S_POD_NAME" is not KEY=VALUE/] },
  { name: 'CNI_NETNS that does not exist', call: env({ CNI_NETNS: '/run/netns/nope' }), code: 4, msg: [/CNI_NETNS "\/run\/netns\/nope" does not exist/, /\/proc\/PID\/ns\/net/] },
  { name: "CNI_NETNS that is the caller's own", call: env({ CNI_NETNS: '/proc/self/ns/net' }), code: 4, msg: [/is the plugin's own network namespace/, /pass the pod's namespace/] },
  { name: 'CNI_NETNS that is not a namespace', call: env({ CNI_NETNS: '/etc/hostname' }), code: 4, msg: [/"\/etc\/hostname" is not a network namespace/] },
  { name: 'malformed JSON', call: () => ({ env: base, stdin: '{"cniVersion": "1.0.0",' }), code: 6, msg: [/not valid JSON/] },
  { name: 'JSON that is not an object', call: () => ({ env: base, stdin: '[1,2]' }), code: 6, msg: [/must be a JSON object/] },
  { name: 'unknown cniVersion', call: config({ cniVersion: '9.9.9' }), code: 1, msg: [/incompatible CNI versions/, /config is "9.9.9"/, /set "cniVersion" to one of them/] },
  { name: 'invalid CIDR in podSubnet', call: config({ podSubnet: '200.200.1.0/33' }), code: 7, msg: [/"podSubnet" must be an IPv4 CIDR such as/, /200\.200\.1\.0\/33/] },
  { name: 'invalid address in podNetwork', call: config({ podNetwork: '300.200.0.0/16' }), code: 7, msg: [/"podNetwork" must be an IPv4 CIDR/] },
  { name: 'host bits set in hostNetwork', call: config({ hostNetwork: '10.0.0.7/16' }), code: 7, msg: [/"hostNetwork" 10\.0\.0\.7\/16 has host bits set: use the network address 10\.0\.0\.0\/16/] },
  { name: 'podSubnet outside podNetwork', call: config({ podSubnet: '10.9.1.0/24' }), code: 7, msg: [/"podSubnet" 10\.9\.1\.0\/24 must lie inside "podNetwork"/] },
  { name: 'network name missing', call: config({ name: undefined }), code: 7, msg: [/"name" must start with a letter or digit/] },
  { name: 'bridge name over 15 characters', call: config({ bridge: 'a-very-long-bridge' }), code: 7, msg: [/"bridge" "a-very-long-bridge" is not a valid interface name/] },
  { name: 'mtu out of range', call: config({ mtu: 100 }), code: 7, msg: [/"mtu" must be an integer from 576 to 65535/] },
  { name: 'ipam.type missing', call: config({ ipam: {} }), code: 7, msg: [/"ipam.type" must name an IPAM plugin/] },
  { name: 'IPAM plugin not on CNI_PATH', call: config({ ipam: { type: 'no-such-ipam' } }), code: 7, msg: [/IPAM plugin "no-such-ipam" not found on CNI_PATH \(\/usr\/lib\/cni\)/, /install it there or fix "ipam.type"/] },
];

describe('bad input: the right code, a message naming the field and the fix, nothing changed', () => {
  it.each(cases)('$name', (c) => {
    const before = node.snapshot();
    const out = cni(node, { command: 'ADD', ...c.call() });
    expect(out.exitCode, out.stdout).not.toBe(0);
    expect(out.json, out.stdout).toMatchObject({ code: c.code, cniVersion: expect.any(String), msg: expect.any(String) });
    for (const fragment of c.msg) expect(`${out.json!.msg} ${out.json!.details ?? ''}`).toMatch(fragment);
    expect(out.stderr).toContain(`code ${c.code}`);
    expect(node.snapshot()).toEqual(before);
    expect(podLinks(pod)).toEqual(['lo']);
  });
});
