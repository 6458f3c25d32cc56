package clearbg.model.predict;

import clearbg.model.nn.Arch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Several copies of one network, so that as many forward passes run at the same time: each call borrows a
 * free copy (waiting when all are busy) and returns it. For engines whose networks serialise their calls
 * (libtorch), with each pass on {@code cores / copies} threads; ONNX Runtime needs no pool.
 */
public final class FusedMapNetworkPool implements FusedMapNetwork {

    /** Opens one copy of the network. */
    @FunctionalInterface
    public interface Opener {
        FusedMapNetwork open() throws IOException;
    }

    private final List<FusedMapNetwork> copies;
    private final BlockingQueue<FusedMapNetwork> free;

    private FusedMapNetworkPool(List<FusedMapNetwork> copies) {
        this.copies = copies;
        this.free = new ArrayBlockingQueue<>(copies.size(), false, copies);
    }

    /**
     * {@code count} copies from {@code opener}; on a failure the copies opened so far are closed.
     *
     * @throws IOException from {@code opener}
     */
    public static FusedMapNetworkPool open(int count, Opener opener) throws IOException {
        List<FusedMapNetwork> copies = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                copies.add(opener.open());
            }
        } catch (IOException | RuntimeException e) {
            copies.forEach(FusedMapNetwork::close);
            throw e;
        }
        return new FusedMapNetworkPool(List.copyOf(copies));
    }

    @Override
    public Arch arch() {
        return copies.get(0).arch();
    }

    @Override
    public float[] fusedMaps(float[] input, int batch, int side) {
        FusedMapNetwork network;
        try {
            network = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a free network", e);
        }
        try {
            return network.fusedMaps(input, batch, side);
        } finally {
            free.add(network);
        }
    }

    @Override
    public void close() {
        copies.forEach(FusedMapNetwork::close);
    }
}
