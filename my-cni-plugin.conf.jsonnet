// The CNI network config of my-cni-plugin for one node (the seed's template, grown up).
// Rendered per node:
//   jsonnet --ext-str podSubnet=200.200.1.0/24 --ext-str podNetwork=200.200.0.0/16 \
//           --ext-str hostNetwork=10.0.0.0/16 my-cni-plugin.conf.jsonnet
//
// cniVersion 1.0.0: the plugin speaks 0.3.0 to 1.1.0, but podman 4.3's libcni (Debian 12)
// knows nothing newer than 1.0.0 and refuses the whole network otherwise.
{
  cniVersion: '1.0.0',
  name: 'my-cni-plugin',
  type: 'my-cni-plugin',
  // The node's bridge; pods' host-side veths are attached to it.
  bridge: 'cni0',
  mtu: 1500,
  hairpinMode: true,
  // Masquerade what leaves both podNetwork and hostNetwork; never pod-to-pod or pod-to-node.
  ipMasq: true,
  podNetwork: std.extVar('podNetwork'),
  hostNetwork: std.extVar('hostNetwork'),
  podSubnet: std.extVar('podSubnet'),
  ipam: {
    type: 'host-local',
    subnet: std.extVar('podSubnet'),
    routes: [{ dst: '0.0.0.0/0' }],
  },
}
