/**
 * Gradient all-reduce for data-parallel training: a ring all-reduce of float arrays over plain TCP sockets
 * (java.nio, no MPI, Gloo or Netty), with bit-identical results on every rank.
 *
 * <p>Flow: {@link clearbg.jobs.allreduce.RingSettings} (rank, world size, chunk size, time-out) &rarr;
 * {@link clearbg.jobs.allreduce.RingAllReduce#listen} (a listening socket and its {@code host:port}) &rarr;
 * every rank's address shared by the caller (Spark: {@code BarrierTaskContext.allGather}) &rarr;
 * {@link clearbg.jobs.allreduce.RingEndpoint#connect} &rarr;
 * {@link clearbg.jobs.allreduce.RingAllReduce#averageInPlace} once per training step.
 *
 * <p>Speed: {@code bench/allreduce_bench.sh} measures algbw = bytes / time and busbw = algbw &middot; 2(n-1)/n
 * against the raw TCP bandwidth of the same machine.
 */
package clearbg.jobs.allreduce;
