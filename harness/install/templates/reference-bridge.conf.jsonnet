// The reference bridge plugin (containernetworking/plugins, /usr/lib/cni/bridge) configured
// as a correct Kubernetes pod network, to run the same checks against a baseline:
//   ./plugin.sh install --plugin /usr/lib/cni/bridge --config harness/install/templates/reference-bridge.conf.jsonnet
// It takes the same ext vars as my-cni-plugin.conf.jsonnet.
//
// ipMasq false is the correct setting here: the bridge plugin's masquerade rule covers
// everything that leaves the node's pod subnet, pod-to-pod traffic to other nodes included.
// Egress to the outside is then not masqueraded by this config (the lab's router knows the
// pod subnets, so it still gets its answer).
{
  cniVersion: '1.0.0',
  name: 'reference-bridge',
  type: 'bridge',
  bridge: 'cni0',
  isGateway: true,
  isDefaultGateway: true,
  ipMasq: false,
  hairpinMode: true,
  mtu: 1500,
  ipam: {
    type: 'host-local',
    subnet: std.extVar('podSubnet'),
  },
}
