/**
 * Gradient all-reduce for data-parallel training: a ring all-reduce of float arrays over plain TCP sockets
 * (java.nio, no MPI, Gloo or Netty), with bit-identical results on every rank.
 *
 * <p>Flow: {@link clearbg.jobs.allreduce.RingSettings} (rank, world size, chunk size, time-out) &rarr;
 * {@link clearbg.jobs.allreduce.RingAllReduce#listen} (a listening socket on this rank's own address, and
 * this rank's introduction: its {@code host:port} and a random share of the ring's key) &rarr; every rank's
 * introduction shared by the caller through a channel the ranks trust (Spark:
 * {@code BarrierTaskContext.allGather}) &rarr; {@link clearbg.jobs.allreduce.RingEndpoint#connect} (the key
 * derived from all shares; each neighbour authenticated by challenge and response over it, strangers on
 * the port dropped) &rarr; {@link clearbg.jobs.allreduce.RingAllReduce#averageInPlace} once per training
 * step.
 *
 * <p>Security: the ring authenticates its connections but does not encrypt or integrity-protect the data
 * on them; the key's secrecy is that of the channel the introductions travel on.
 *
 * <p>Speed: {@code bench/allreduce_bench.sh} measures algbw = bytes / time and busbw = algbw &middot; 2(n-1)/n
 * against the raw TCP bandwidth of the same machine.
 */
package clearbg.jobs.allreduce;
