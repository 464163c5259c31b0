/**
 * Like Promise.all, but waits for every promise before throwing the first error, so that
 * nothing is still being created while the caller cleans up.
 */
export async function settleAll<T>(ps: Promise<T>[]): Promise<T[]> {
  const res = await Promise.allSettled(ps);
  const failed = res.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return res.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/**
 * For cleanups that must go on past a failure: `attempt` awaits a step and keeps its error's
 * message in `failed` instead of throwing, so the caller reports them all at the end.
 */
export function failureCollector(): { failed: string[]; attempt: (p: Promise<unknown>) => Promise<void> } {
  const failed: string[] = [];
  return {
    failed,
    attempt: (p) => p.then(() => undefined, (e: unknown) => { failed.push((e as Error).message); }),
  };
}
