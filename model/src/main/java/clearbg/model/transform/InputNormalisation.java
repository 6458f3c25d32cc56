package clearbg.model.transform;

/** How a training sample becomes the network's tensors: U²-Net's {@link ToTensorLab} or {@link IsNetNormalize}. */
public enum InputNormalisation {
    TO_TENSOR_LAB,
    IS_NET;

    /** The sample's image ({@code 3 x H x W}) and label tensors. */
    public TensorSample apply(Sample sample) {
        return this == IS_NET ? IsNetNormalize.apply(sample) : ToTensorLab.apply(sample);
    }
}
