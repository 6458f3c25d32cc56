package clearbg.model.synth;

/** The kinds of salient object the generator draws. */
public enum ShapeFamily {
    /** a smooth closed curve through random radial points */
    BLOB,
    /** a random polygon */
    POLYGON,
    /** an object with a hole (ring, frame) */
    HOLED,
    /** thin structures: strokes a few pixels wide (DIS-like) */
    THIN,
    /** two or three objects of the other families */
    GROUP
}
