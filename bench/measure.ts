// Time of one call for the benches of bench/linear.bench.ts and bench/logThroughput.ts.

/** CPU ms (user + system of this process) and wall ms of one call. */
export function measure(fn: () => void): { cpu: number; wall: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const wall = performance.now() - t;
  const d = process.cpuUsage(c);
  return { cpu: (d.user + d.system) / 1000, wall };
}
