/** Limits of the `--workers` mode: each one bounds memory held between threads. */

/** Worker threads at most (more than the machine has cores only adds copying). */
export const MAX_WORKERS = 32;
/**
 * Threads of `--workers auto`: one per core up to this. Each thread reads, parses and
 * checks its part alone, so more cores keep paying off; the cap keeps the memory of a run
 * (a heap per thread) modest on large machines.
 */
export const MAX_AUTO_WORKERS = 4;
/** Lines sent to a worker in one message: large enough that messaging costs little per line. */
export const WIRE_BATCH_LINES = 2048;
/**
 * Characters of raw lines in one message at most (a batch is sent at whichever limit comes
 * first): with lines up to MAX_LINE_BYTES long, WIRE_BATCH_LINES alone would let a batch,
 * and the MAX_INFLIGHT_BATCHES in flight to each worker, hold hundreds of MiB.
 */
export const WIRE_BATCH_CHARS = 512 * 1024;
/** Batches sent to one worker and not yet answered; the reader waits beyond this (back-pressure). */
export const MAX_INFLIGHT_BATCHES = 4;
/** Hosts remembered by the router; hosts first seen after this are placed by a hash of their name. */
export const MAX_ROUTED_HOSTS = 65_536;
/** A part's output is sent when a batch leaves this much (chunks.ts holds twice as much). */
export const PART_SEND_BYTES = 512 * 1024;
/** A part reports progress at least this often (lines), even with little output. */
export const PART_PROGRESS_LINES = 16_384;
