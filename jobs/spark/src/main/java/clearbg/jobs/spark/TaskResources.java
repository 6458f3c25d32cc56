package clearbg.jobs.spark;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** What Spark gave a task: the GPU it assigned (if any) as a DJL device, and its share of CPU cores. */
public final class TaskResources {

    private TaskResources() {}

    /**
     * The first GPU in the task's {@code gpu} resource (spark.task.resource.gpu.amount), or the CPU when
     * Spark assigned none.
     */
    public static Device device(TaskContext context) {
        ResourceInformation gpus = context.resources().get("gpu").getOrElse(() -> null);
        if (gpus == null || gpus.addresses().length == 0) {
            return Device.cpu();
        }
        return Device.gpu(Integer.parseInt(gpus.addresses()[0].trim()));
    }

    /**
     * Where a task runs inference: the GPU Spark assigned it ({@link #device}) or, when Spark assigned none, DJL's
     * default device (GPU 0 on a machine with a GPU, else the CPU).
     */
    public static Device inferenceDevice(TaskContext context) {
        Device assigned = context == null ? Device.cpu() : device(context);
        return assigned.isGpu() ? assigned : Engine.getInstance().defaultDevice();
    }

    /**
     * Limits PyTorch's intra-op threads to the task's cores ({@code spark.task.cpus}), so replicas sharing
     * an executor do not oversubscribe it. PyTorch's setting is per process: tasks of one executor share it.
     */
    public static void limitThreads(TaskContext context) {
        int cores = Math.max(1, context.cpus());
        Engine.getInstance();
        if (JniUtils.getNumThreads() != cores) {
            JniUtils.setNumThreads(cores);
        }
    }
}
