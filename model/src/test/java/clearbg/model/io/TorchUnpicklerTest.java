package clearbg.model.io;

import static clearbg.model.io.Pickles.bytes;
import static clearbg.model.io.Pickles.le32;
import static clearbg.model.io.Pickles.le64;
import static clearbg.model.io.Pickles.repeat;
import static clearbg.model.io.PthReaderTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.io.TorchGlobals.TensorRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchUnpicklerTest {
    private static final String SOURCE = "bucket/weights.pth";
    private static final int PROTO = 0x80;

    @TempDir
    Path dir;

    private static String error(byte[] pickle) {
        String message = assertThrows(WeightsFormatException.class, () -> TorchUnpickler.load(pickle, SOURCE))
                .getMessage();
        assertTrue(message.startsWith(SOURCE + ": cannot unpickle data.pkl: "), message);
        return message;
    }

    @Test
    void readsTheStateDictPthWriterPickles() throws WeightsFormatException {
        StateDict sd = StateDict.of(Map.of("w", HostTensor.ofFloats(new long[] {2, 3}, new float[6])));
        Object root = TorchUnpickler.load(PthWriter.pickle(sd), SOURCE);
        assertInstanceOf(TorchGlobals.OrderedDict.class, root);
        TensorRef w = (TensorRef) ((Map<?, ?>) root).get("w");
        assertEquals("FloatStorage", w.storage().storageClass());
        assertEquals(6, w.storage().numel());
        assertArrayEquals(new long[] {2, 3}, w.size());
        assertArrayEquals(new long[] {3, 1}, w.stride());
    }

    @Test
    void osSystemIsRefusedByNameAndNothingRuns() {
        Path marker = dir.resolve("pwned");
        String command = "touch " + marker;
        byte[] pickle = bytes(PROTO, 2, "cos\nsystem\n", 'X', le32(command.length()), command, 0x85, 'R', '.');
        assertContains(error(pickle), "refusing the Python global os.system", "opcode at byte 2");
        assertFalse(Files.exists(marker));
    }

    @Test
    void otherDangerousGlobalsAreRefusedWhetherNamedByGlobalOrStackGlobal() {
        assertContains(error(bytes(PROTO, 2, "cposix\nsystem\n", ')', 'R', '.')), "posix.system");
        byte[] stackGlobal = bytes(PROTO, 4, 0x8c, 8, "builtins", 0x8c, 4, "eval", 0x93, ')', 'R', '.');
        assertContains(error(stackGlobal), "builtins.eval");
        assertContains(error(bytes(PROTO, 2, "ctorch\nload\n", '.')), "torch.load");
    }

    @Test
    void allowedGlobalsCannotBeMisused() {
        assertContains(
                error(bytes(PROTO, 2, "ctorch\nFloatStorage\n", ')', 'R', '.')),
                "REDUCE cannot call torch.FloatStorage");
        assertContains(
                error(bytes(PROTO, 2, "ccollections\nOrderedDict\n", 'N', 0x85, 'R', '.')),
                "OrderedDict takes no arguments");
        assertContains(error(bytes(PROTO, 2, "ccollections\nOrderedDict\n", 'N', 'R', '.')), "argument tuple");
        assertContains(
                error(bytes(PROTO, 2, "ctorch._utils\n_rebuild_tensor_v2\n", ')', 'R', '.')),
                "_rebuild_tensor_v2 needs");
    }

    @Test
    void lengthsOfTwoToTheThirtyOneAreRefusedBeforeAllocating() {
        assertContains(
                error(bytes(PROTO, 2, 'X', le32(1L << 31), "abc", '.')),
                "length 2147483648 is more than the 4 bytes left");
        assertContains(error(bytes(PROTO, 3, 'B', le32(1L << 31), '.')), "length 2147483648");
        assertContains(error(bytes(PROTO, 4, 0x8d, le64(Long.MIN_VALUE), '.')), "length 9223372036854775808");
        assertContains(error(bytes(PROTO, 4, 0x8e, le64(1L << 40), '.')), "length 1099511627776");
        assertContains(error(bytes(PROTO, 4, 0x8c, 200, "short", '.')), "length 200 is more than the 6 bytes left");
    }

    @Test
    void negativeLengthsAreRefused() {
        assertContains(error(bytes(PROTO, 2, 'T', le32(-1), '.')), "negative length -1");
        assertContains(error(bytes(PROTO, 2, 0x8b, le32(-5), '.')), "negative length -5");
    }

    @Test
    void memoIndicesAreBounded() {
        assertContains(
                error(bytes(PROTO, 2, 'N', 'r', le32(1L << 31), '.')),
                "memo index 2147483648 is not below " + TorchUnpickler.MAX_MEMO);
        assertContains(error(bytes(PROTO, 2, 'h', 7, '.')), "memo index 7 was never stored");
        assertContains(error(bytes(PROTO, 2, 'j', le32(-1), '.')), "memo index 4294967295 was never stored");
    }

    @Test
    void stackDepthAndValueCountAreBounded() {
        assertContains(
                error(bytes(PROTO, 2, repeat(bytes('('), PickleStack.MAX_DEPTH + 1), '.')),
                "stack deeper than " + PickleStack.MAX_DEPTH);
        byte[] pushPop = bytes('N', '0');
        assertContains(
                error(bytes(PROTO, 2, repeat(pushPop, PickleStack.MAX_PUSHES + 1), 'N', '.')),
                "more than " + PickleStack.MAX_PUSHES + " values");
    }

    @Test
    void malformedStacksAreFormatErrors() {
        assertContains(error(bytes(PROTO, 2, '0', '.')), "stack underflow");
        assertContains(error(bytes(PROTO, 2, 'N', 't', '.')), "no mark");
        assertContains(error(bytes(PROTO, 2, '(', 0x85, '.')), "a mark where a value was expected");
        assertContains(error(bytes(PROTO, 2, 'N', 'N', 'a', '.')), "cannot append to None");
        assertContains(error(bytes(PROTO, 2, 'N', 'N', 'N', 's', '.')), "cannot set items of None");
        assertContains(error(bytes(PROTO, 2, '(', 'N', 'd', '.')), "key-value pairs");
        assertContains(error(bytes(PROTO, 2, 'N')), "ends without STOP");
        assertContains(error(bytes(PROTO, 2, 'J', 1, 2)), "truncated");
        assertContains(error(bytes(PROTO, 9, 'N', '.')), "protocol 9");
    }

    @Test
    void opcodesAStateDictDoesNotNeedAreRefused() {
        assertContains(error(bytes("I1\n.")), "opcode 0x49 ('I') is not allowed");
        assertContains(error(bytes(PROTO, 2, "(ios\nsystem\n.")), "opcode 0x69 ('i')");
        assertContains(error(bytes(PROTO, 2, "ccollections\nOrderedDict\n", ')', 0x81, '.')), "opcode 0x81 is not");
    }

    @Test
    void unhashableDictKeysAreRefused() {
        assertContains(error(bytes(PROTO, 2, '}', ']', 'N', 's', '.')), "unhashable dict key a ArrayList");
        assertContains(error(bytes(PROTO, 2, '}', '}', 'N', 's', '.')), "unhashable dict key a LinkedHashMap");
    }

    @Test
    void aListMayContainItselfWithoutHarm() throws WeightsFormatException {
        List<?> list = (List<?>) TorchUnpickler.load(bytes(PROTO, 2, ']', 'q', 0, 'h', 0, 'a', '.'), SOURCE);
        assertTrue(list.get(0) == list);
    }

    @Test
    void largeIntegersAndOtherScalarsDecode() throws WeightsFormatException {
        Object[] t = (Object[]) TorchUnpickler.load(
                bytes(
                        PROTO,
                        2,
                        '(',
                        0x8a,
                        8,
                        le64(Long.MIN_VALUE),
                        0x8a,
                        9,
                        repeat(bytes(0xff), 8),
                        0,
                        'M',
                        0x34,
                        0x12,
                        'G',
                        le64(Long.reverseBytes(Double.doubleToLongBits(1.5))),
                        0x88,
                        'N',
                        0x8a,
                        0,
                        't',
                        '.'),
                SOURCE);
        assertEquals(Long.MIN_VALUE, t[0]);
        assertEquals(new java.math.BigInteger("18446744073709551615"), t[1]);
        assertEquals(0x1234L, t[2]);
        assertEquals(1.5, t[3]);
        assertEquals(Boolean.TRUE, t[4]);
        assertEquals(null, t[5]);
        assertEquals(0L, t[6]);
    }
}
