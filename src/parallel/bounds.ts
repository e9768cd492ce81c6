/** Limits of the `--workers` mode: each one bounds memory held between threads. */

/** Worker threads at most (more than the machine has cores only adds copying). */
export const MAX_WORKERS = 32;
/** Lines sent to a worker in one message: large enough that messaging costs little per line. */
export const WIRE_BATCH_LINES = 2048;
/** Batches sent to one worker and not yet answered; the reader waits beyond this (back-pressure). */
export const MAX_INFLIGHT_BATCHES = 4;
/** Hosts remembered by the router; hosts first seen after this are placed by a hash of their name. */
export const MAX_ROUTED_HOSTS = 65_536;
