package clearbg.jobs.spark;

import clearbg.jobs.train.EpochPlan;
import clearbg.jobs.train.StepLog;
import clearbg.jobs.train.TableSample;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Runs one training epoch as a Spark barrier stage of {@code workers} tasks, one replica each: the samples are
 * keyed and sharded by rank with the epoch's {@link EpochPlan}, sorted within each shard by their position in
 * the plan, and handed to {@link TrainEpochTask#train}.
 *
 * <p>The step logs leave the barrier stage through a shuffle into one partition, not straight to the driver,
 * so that the barrier stage is a shuffle-map stage: Spark aborts the job when a barrier result stage fails
 * ("Could not recover from a failed barrier ResultStage"), but runs a failed barrier shuffle-map stage again,
 * whole, up to {@code spark.stage.maxConsecutiveAttempts} times. A lost executor or a failed task thus ends in
 * a new attempt whose replicas resume from the newest checkpoint.
 */
public final class BarrierEpochs {

    private final JavaSparkContext context;
    private final JavaRDD<TableSample> samples;

    /** Epochs over {@code samples} (persisted by the caller) on {@code context}. */
    public BarrierEpochs(JavaSparkContext context, JavaRDD<TableSample> samples) {
        this.context = context;
        this.samples = samples;
    }

    /** Runs the epoch's barrier stage; returns replica 0's step logs in step order. */
    public List<StepLog> train(EpochPlan epochPlan, TrainEpochTask task) {
        Broadcast<EpochPlan> plan = context.broadcast(epochPlan);
        JavaPairRDD<Long, TableSample> shards = samples.mapToPair(
                        sample -> new Tuple2<>(plan.value().key(sample.id()), sample))
                .filter(pair -> pair._1() != null)
                .repartitionAndSortWithinPartitions(new RankPartitioner(task.workers()));
        context.setJobDescription(String.format("train epoch %d (%d steps)", task.epoch() + 1, task.stepsPerEpoch()));
        try {
            return trainShards(shards, task);
        } finally {
            plan.destroy();
        }
    }

    private static List<StepLog> trainShards(JavaPairRDD<Long, TableSample> shards, TrainEpochTask task) {
        ClassTag<StepLog> tag = ClassTag$.MODULE$.apply(StepLog.class);
        BarrierFunction function =
                partition -> CollectionConverters.asScala(task.train(CollectionConverters.asJava(partition)));
        List<StepLog> logs = new ArrayList<>(shards.rdd()
                .barrier()
                .mapPartitions(function, false, tag)
                .toJavaRDD()
                .mapToPair(log -> new Tuple2<>(log.step(), log))
                .partitionBy(new HashPartitioner(1))
                .values()
                .collect());
        logs.sort(Comparator.comparingLong(StepLog::step));
        return logs;
    }

    /** The barrier stage's partition function, serialisable; checked exceptions leave it unchecked, message kept. */
    private interface BarrierFunction
            extends scala.Function1<
                            scala.collection.Iterator<Tuple2<Long, TableSample>>, scala.collection.Iterator<StepLog>>,
                    Serializable {
        @Override
        default scala.collection.Iterator<StepLog> apply(
                scala.collection.Iterator<Tuple2<Long, TableSample>> partition) {
            try {
                return applyChecked(partition);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        scala.collection.Iterator<StepLog> applyChecked(scala.collection.Iterator<Tuple2<Long, TableSample>> partition)
                throws Exception;
    }
}
