// Time of one call (bench/linear.bench.ts, bench/logThroughput.ts) and the median of many (bench/workerStart.bench.ts).

/** CPU ms (user + system of this process) and wall ms of one call. */
export function measure(fn: () => void): { cpu: number; wall: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const wall = performance.now() - t;
  const d = process.cpuUsage(c);
  return { cpu: (d.user + d.system) / 1000, wall };
}

/** The median (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
