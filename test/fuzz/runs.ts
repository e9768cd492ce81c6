/** Number of property runs: bounded in CI, raised by `npm run fuzz` (FUZZ_RUNS=20000). */
export const FUZZ_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? '300') || 300);
