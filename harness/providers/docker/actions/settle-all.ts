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
