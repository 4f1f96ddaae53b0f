// A query's answer, or null when it failed or took longer than `ms` (for best-effort lookups that must not
// hold a caller for the IQ tracker's full timeout). The timer is cleared either way.
export function answerWithin<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  return Promise.race([promise.catch(() => null), late]).finally(() => clearTimeout(timer));
}
