import { describe, expect, it } from 'vitest';
import { checkPluginMatches, confListPath, jsonnetArgv, toConfList } from './render.ts';

describe('config rendering', () => {
  it("passes the node's pod subnet, the pod network and the host network as jsonnet ext vars", () => {
    expect(jsonnetArgv('my-cni-plugin.conf.jsonnet', { podSubnet: '200.200.1.0/24', podNetwork: '200.200.0.0/16', hostNetwork: '10.0.0.0/16' })).toEqual([
      'jsonnet', '--ext-str', 'podSubnet=200.200.1.0/24', '--ext-str', 'podNetwork=200.200.0.0/16', '--ext-str', 'hostNetwork=10.0.0.0/16', 'my-cni-plugin.conf.jsonnet',
    ]);
  });

  it('wraps a single plugin object into a conflist named after the network', () => {
    const list = toConfList({ cniVersion: '1.0.0', name: 'my-cni-plugin', type: 'my-cni-plugin', bridge: 'cni0' }, 't');
    expect(list).toEqual({ cniVersion: '1.0.0', name: 'my-cni-plugin', plugins: [{ cniVersion: '1.0.0', name: 'my-cni-plugin', type: 'my-cni-plugin', bridge: 'cni0' }] });
    expect(confListPath(list)).toBe('/etc/cni/net.d/10-my-cni-plugin.conflist');
  });

  it('keeps a template that is already a conflist', () => {
    const given = { cniVersion: '1.0.0', name: 'n', plugins: [{ type: 'bridge' }, { type: 'portmap' }] };
    expect(toConfList(given, 't')).toBe(given);
  });

  it('refuses a config without a network name or a plugin type, quoting the template', () => {
    expect(() => toConfList({ cniVersion: '1.0.0', name: 'a/b', type: 'x' }, 'bad.jsonnet')).toThrow(/--config bad\.jsonnet: "name" "a\/b" is not a CNI network name/);
    expect(() => toConfList({ cniVersion: '1.0.0', name: 'n' }, 't')).toThrow(/needs a "type"/);
    expect(() => toConfList([], 't')).toThrow(/JSON object/);
  });

  it('insists that the executable is named after the plugin type, since that is how libcni finds it', () => {
    const list = toConfList({ cniVersion: '1.0.0', name: 'n', type: 'bridge' }, 'ref.jsonnet');
    expect(checkPluginMatches('/usr/lib/cni/bridge', list, 'ref.jsonnet')).toBe('bridge');
    expect(() => checkPluginMatches('dist/my-cni-plugin', list, 'ref.jsonnet')).toThrow(/named "my-cni-plugin" but --config ref\.jsonnet has plugin type "bridge"/);
  });
});
