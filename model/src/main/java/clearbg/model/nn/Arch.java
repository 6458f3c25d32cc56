package clearbg.model.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The published U²-Net variants and IS-Net as stage tables (architecture as data).
 *
 * <p>Encoder stages {@code stage1..stage6} and decoder stages {@code stage5d..stage1d} follow Qin et al.
 * 2020, Table 1. Side output {@code i} (1..5) is a 3x3 conv to one channel on decoder stage {@code i}; side
 * output 6 is on encoder stage 6. U²-Net fuses the six side outputs with a 1x1 conv ({@code outconv}), its
 * prediction; IS-Net (Qin et al. 2022, "Highly Accurate Dichotomous Image Segmentation") puts a stride-2 3x3
 * conv {@code conv_in} (3 to 64 channels, with bias, no BatchNorm) in front of U²-Net's stage table with a
 * 64-channel first stage, has no fuse conv, and predicts with side output 1. IS-Net's ground-truth encoder
 * ({@code ISNetGTEncoder}, the teacher of IS-Net's intermediate supervision) takes a one-channel mask through a
 * stride-2 conv with BatchNorm and ReLU ({@link Stem#CONV_BN_RELU}, 1 to 16 channels) and six encoder stages and
 * has no decoder: its side output {@code i} is on encoder stage {@code i}.
 *
 * <p>The stage features ({@link U2Net} returns them on request) are the inputs of the six side outputs: decoder
 * stages 1..5 and encoder stage 6, or encoder stages 1..6 without a decoder. IS-Net's features and its encoder's
 * have the same shapes (64, 64, 128, 256, 512, 512 channels at 1/2 .. 1/64 of the input side).
 */
public enum Arch {
    /** U²-Net (full), 44,009,869 parameters. */
    U2NET(
            List.of(
                    RsuSpec.pooled(7, 3, 32, 64),
                    RsuSpec.pooled(6, 64, 32, 128),
                    RsuSpec.pooled(5, 128, 64, 256),
                    RsuSpec.pooled(4, 256, 128, 512),
                    RsuSpec.dilatedBlock(4, 512, 256, 512),
                    RsuSpec.dilatedBlock(4, 512, 256, 512)),
            List.of(
                    RsuSpec.dilatedBlock(4, 1024, 256, 512),
                    RsuSpec.pooled(4, 1024, 128, 256),
                    RsuSpec.pooled(5, 512, 64, 128),
                    RsuSpec.pooled(6, 256, 32, 64),
                    RsuSpec.pooled(7, 128, 16, 64))),
    /** U²-Net† ("U2NETP", the small model), 1,131,181 parameters. */
    U2NETP(
            List.of(
                    RsuSpec.pooled(7, 3, 16, 64),
                    RsuSpec.pooled(6, 64, 16, 64),
                    RsuSpec.pooled(5, 64, 16, 64),
                    RsuSpec.pooled(4, 64, 16, 64),
                    RsuSpec.dilatedBlock(4, 64, 16, 64),
                    RsuSpec.dilatedBlock(4, 64, 16, 64)),
            List.of(
                    RsuSpec.dilatedBlock(4, 128, 16, 64),
                    RsuSpec.pooled(4, 128, 16, 64),
                    RsuSpec.pooled(5, 128, 16, 64),
                    RsuSpec.pooled(6, 128, 16, 64),
                    RsuSpec.pooled(7, 128, 16, 64))),
    /** IS-Net ({@code ISNetDIS}), 44,046,790 parameters: U²-Net's tables with a 64-channel first stage. */
    ISNET(3, Stem.CONV, 64, false, withFirstStage(RsuSpec.pooled(7, 64, 32, 64), U2NET.encoder), U2NET.decoder),
    /** IS-Net's ground-truth encoder ({@code ISNetGTEncoder}), 6,877,734 parameters: masks in, no decoder. */
    ISNET_GT_ENCODER(
            1,
            Stem.CONV_BN_RELU,
            16,
            false,
            List.of(
                    RsuSpec.pooled(7, 16, 16, 64),
                    RsuSpec.pooled(6, 64, 16, 64),
                    RsuSpec.pooled(5, 64, 32, 128),
                    RsuSpec.pooled(4, 128, 32, 256),
                    RsuSpec.dilatedBlock(4, 256, 64, 512),
                    RsuSpec.dilatedBlock(4, 512, 64, 512)),
            List.of());

    /** Number of encoder stages; also the number of side outputs. */
    public static final int STAGES = 6;

    private final int inputChannels;
    private final Stem stem;
    private final int stemChannels;
    private final boolean fused;
    private final List<RsuSpec> encoder;
    private final List<RsuSpec> decoder;

    Arch(List<RsuSpec> encoder, List<RsuSpec> decoder) {
        this(3, Stem.NONE, 0, true, encoder, decoder);
    }

    Arch(int inputChannels, Stem stem, int stemChannels, boolean fused, List<RsuSpec> encoder, List<RsuSpec> decoder) {
        this.inputChannels = inputChannels;
        this.stem = stem;
        this.stemChannels = stemChannels;
        this.fused = fused;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    /** {@code stages} with its first stage replaced by {@code first}. */
    private static List<RsuSpec> withFirstStage(RsuSpec first, List<RsuSpec> stages) {
        List<RsuSpec> replaced = new ArrayList<>(stages);
        replaced.set(0, first);
        return List.copyOf(replaced);
    }

    /**
     * The most elements of one tensor in any architecture's {@code state_dict}: the largest 3x3 conv of a stage
     * ({@code in x out}, {@code out x mid}, {@code 2 mid x mid}, {@code 2 mid x out} times 9); 4,718,592 (U²-Net's
     * {@code stage5d.rebnconvin}, 1024 to 512 channels).
     */
    public static long largestTensorElements() {
        long largest = 0;
        for (Arch arch : values()) {
            for (List<RsuSpec> stages : List.of(arch.encoder, arch.decoder)) {
                for (RsuSpec s : stages) {
                    long in = s.inChannels();
                    long mid = s.midChannels();
                    long out = s.outChannels();
                    largest = Math.max(
                            largest,
                            9 * Math.max(Math.max(in * out, out * mid), Math.max(2 * mid * mid, 2 * mid * out)));
                }
            }
        }
        return largest;
    }

    /** Channels of the input: 3 for an image, 1 for the ground-truth encoder's mask. */
    public int inputChannels() {
        return inputChannels;
    }

    /** The input conv {@code conv_in}, or {@link Stem#NONE}. */
    public Stem stem() {
        return stem;
    }

    /** Whether the network has a decoder (all but the ground-truth encoder). */
    public boolean hasDecoder() {
        return !decoder.isEmpty();
    }

    /** Output channels of the stride-2 input conv {@code conv_in}, or 0 where there is none (U²-Net). */
    public int stemChannels() {
        return stemChannels;
    }

    /** Whether a 1x1 conv ({@code outconv}) fuses the side outputs into the prediction (U²-Net, not IS-Net). */
    public boolean fused() {
        return fused;
    }

    /** The network's outputs: the fused map then the six side maps, or (IS-Net) the six side maps. */
    public int outputs() {
        return STAGES + (fused ? 1 : 0);
    }

    /** The smallest input side the network takes: 32, or 64 behind a stride-2 input conv. */
    public int minInputSize() {
        return stemChannels > 0 ? 64 : 32;
    }

    /** The input side its published weights were trained and are run at: 320 for U²-Net, 1024 for IS-Net. */
    public int defaultInputSize() {
        return stemChannels > 0 ? 1024 : 320;
    }

    /** Encoder stages, {@code stage1} first. */
    public List<RsuSpec> encoder() {
        return encoder;
    }

    /** Decoder stages in execution order: {@code stage5d} first, {@code stage1d} last; empty without a decoder. */
    public List<RsuSpec> decoder() {
        return decoder;
    }

    /** Input channels of side output {@code side} (1..6). */
    public int sideInputChannels(int side) {
        if (side < 1 || side > STAGES) {
            throw new IllegalArgumentException("side output must be 1.." + STAGES + ", got " + side);
        }
        return side == STAGES || !hasDecoder()
                ? encoder.get(side - 1).outChannels()
                : decoder.get(STAGES - 1 - side).outChannels();
    }

    /**
     * The lower-case name used on the command line and in params: {@code u2net}, {@code u2netp}, {@code isnet} or
     * {@code isnet-gt-encoder}.
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a {@link #cliName()} (case-insensitive), with an error naming the valid values. */
    public static Arch parse(String name) {
        for (Arch arch : values()) {
            if (arch.cliName().equalsIgnoreCase(name.trim())) {
                return arch;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + name + "': expected one of "
                + java.util.Arrays.stream(values()).map(Arch::cliName).toList());
    }
}
