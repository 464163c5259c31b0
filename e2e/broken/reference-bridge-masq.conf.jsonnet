// Broken on purpose: the reference bridge plugin with ipMasq: true. Its masquerade chain
// exempts only the node's own pod subnet, so traffic from a pod to a pod or a node on
// another node leaves with the node's address: exactly those cells fail.
{
  cniVersion: '1.0.0',
  name: 'reference-bridge',
  type: 'bridge',
  bridge: 'cni0',
  isGateway: true,
  isDefaultGateway: true,
  ipMasq: true,
  hairpinMode: true,
  ipam: {
    type: 'host-local',
    subnet: std.extVar('podSubnet'),
  },
}
