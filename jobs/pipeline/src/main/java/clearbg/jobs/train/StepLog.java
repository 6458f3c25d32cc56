package clearbg.jobs.train;

import java.io.Serializable;
import java.util.Locale;

/**
 * What one optimiser step did, as replica 0 saw it.
 *
 * @param step the global step number (1-based)
 * @param epoch the epoch (0-based)
 * @param loss the loss: the summed multi-output BCE, with IS-Net's intermediate supervision plus the feature MSE
 *     (replica 0's batch)
 * @param outputLosses the BCE of each of the seven outputs, the fused output d0 first, then d1..d6 (replica 0's
 *     batch); NaN for d0 where there is no fused output (IS-Net and its encoder: {@link #sevenOutputs})
 * @param learningRate the step's learning rate
 * @param imagesPerSecond global images (all replicas) per second of this step
 * @param dataNanos decoding and transforming the batch (on the prefetch thread when batches are prepared ahead)
 * @param forwardBackwardNanos forward, loss and backward
 * @param allReduceNanos averaging the gradients across replicas
 * @param optimizerNanos the Adam update
 * @param dataWaitNanos how long the step waited for its batch (with prefetching, the part of the preparation the
 *     previous step did not hide; without, the whole preparation)
 */
public record StepLog(
        long step,
        int epoch,
        double loss,
        double[] outputLosses,
        double learningRate,
        double imagesPerSecond,
        long dataNanos,
        long forwardBackwardNanos,
        long allReduceNanos,
        long optimizerNanos,
        long dataWaitNanos)
        implements Serializable {

    /**
     * The CSV header of {@link #csvLine()}: the fused output's loss stays in the fourth column, the side
     * outputs' losses come last.
     */
    public static final String CSV_HEADER =
            "step,epoch,loss,fused_loss,lr,images_per_s,data_ms,forward_backward_ms,all_reduce_ms,"
                    + "optimizer_ms,loss_d1,loss_d2,loss_d3,loss_d4,loss_d5,loss_d6,data_wait_ms";

    public StepLog {
        if (outputLosses.length != 7) {
            throw new IllegalArgumentException("U²-Net has 7 outputs, got " + outputLosses.length + " losses");
        }
        outputLosses = outputLosses.clone();
    }

    /**
     * The seven output losses of {@link #outputLosses} from a trainer's per-output losses: U²-Net's seven as they
     * are, or NaN for the fused output before the six side outputs' of a network without one.
     */
    public static double[] sevenOutputs(double[] perOutput) {
        if (perOutput.length != 6) {
            return perOutput;
        }
        double[] seven = new double[7];
        seven[0] = Double.NaN;
        System.arraycopy(perOutput, 0, seven, 1, 6);
        return seven;
    }

    @Override
    public double[] outputLosses() {
        return outputLosses.clone();
    }

    /** The BCE of the fused output d0. */
    public double fusedLoss() {
        return outputLosses[0];
    }

    /**
     * Reads back a line written by {@link #csvLine()}; the numbers come back as rounded as the line holds them,
     * so writing the result again gives the same line.
     *
     * Lines of 16 fields (written before {@code data_wait_ms} existed) read with a wait of 0.
     *
     * @throws IllegalArgumentException when the line does not have the 17 fields of {@link #CSV_HEADER} (or the 16
     *     of the older format) or a field is not a number
     */
    public static StepLog parseCsvLine(String line) {
        String[] fields = line.split(",", -1);
        if (fields.length != 17 && fields.length != 16) {
            throw new IllegalArgumentException(
                    "a step log line has the 17 fields " + CSV_HEADER + ", got " + fields.length + ": " + line);
        }
        double[] outputs = new double[7];
        outputs[0] = Double.parseDouble(fields[3]);
        for (int output = 1; output < outputs.length; output++) {
            outputs[output] = Double.parseDouble(fields[9 + output]);
        }
        return new StepLog(
                Long.parseLong(fields[0]),
                Integer.parseInt(fields[1]),
                Double.parseDouble(fields[2]),
                outputs,
                Double.parseDouble(fields[4]),
                Double.parseDouble(fields[5]),
                nanos(fields[6]),
                nanos(fields[7]),
                nanos(fields[8]),
                nanos(fields[9]),
                fields.length == 17 ? nanos(fields[16]) : 0);
    }

    private static long nanos(String milliseconds) {
        return Math.round(Double.parseDouble(milliseconds) * 1e6);
    }

    /** One CSV line, no newline. */
    public String csvLine() {
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "%d,%d,%.6f,%.6f,%g,%.3f,%.3f,%.3f,%.3f,%.3f",
                step,
                epoch,
                loss,
                outputLosses[0],
                learningRate,
                imagesPerSecond,
                dataNanos / 1e6,
                forwardBackwardNanos / 1e6,
                allReduceNanos / 1e6,
                optimizerNanos / 1e6));
        for (int output = 1; output < outputLosses.length; output++) {
            line.append(String.format(Locale.ROOT, ",%.6f", outputLosses[output]));
        }
        line.append(String.format(Locale.ROOT, ",%.3f", dataWaitNanos / 1e6));
        return line.toString();
    }
}
