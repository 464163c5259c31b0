/**
 * Namespaced debug logs for digging (`DEBUG=harness:*`, or `DEBUG=harness:exec`), on stderr,
 * beside the short step lines that people read. The same convention as the `debug` package,
 * without depending on it.
 */
export type DebugLog = (message: string) => void;

export function debugLog(namespace: string, env: string | undefined = process.env.DEBUG): DebugLog {
  const name = `harness:${namespace}`;
  const enabled = (env ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(name));
  if (!enabled) return () => {};
  return (message) => process.stderr.write(`${new Date().toISOString()} ${name} ${message}\n`);
}
