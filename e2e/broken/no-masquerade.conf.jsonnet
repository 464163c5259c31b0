// Broken on purpose: my-cni-plugin without masquerade. Pods still reach the echo host,
// but it sees their pod address and cannot answer: exactly the pod-to-outside cells fail.
(import '../../my-cni-plugin.conf.jsonnet') + { ipMasq: false }
