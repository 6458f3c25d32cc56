package clearbg.model.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Generates salient-object scenes that a network can learn and that look like the task: one to three
 * objects (smooth blobs, polygons, objects with holes, thin strokes) filled with a gradient and stripes of
 * colours far from the background's, on a cluttered background (a gradient, low-contrast shapes that are
 * not in the mask, and noise), at 10-60% of the image area and anywhere in it. The mask is the objects
 * drawn white on black with anti-aliasing, so edges carry intermediate values. The same seed gives the
 * same pixels; nothing global is touched.
 */
public final class SceneGenerator {

    private final int width;
    private final int height;

    /** Scenes of {@code width x height} pixels. */
    public SceneGenerator(int width, int height) {
        if (width < 16 || height < 16) {
            throw new IllegalArgumentException("scenes need at least 16x16 pixels, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    /** The scene of {@code seed}; {@code thinBias} in [0, 1] raises the share of thin structures (DIS-like). */
    public Scene generate(long seed, double thinBias) {
        SplittableRandom random = new SplittableRandom(seed);
        ShapeFamily family = random.nextDouble() < thinBias
                ? ShapeFamily.THIN
                : ShapeFamily.values()[random.nextInt(ShapeFamily.values().length)];
        Color[] background = {randomColor(random), randomColor(random)};
        BufferedImage photo = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        BufferedImage mask = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D p = photo.createGraphics();
        Graphics2D m = mask.createGraphics();
        try {
            antialias(p);
            antialias(m);
            paintBackground(p, random, background);
            m.setColor(Color.BLACK);
            m.fillRect(0, 0, width, height);
            m.setColor(Color.WHITE);
            int objects = family == ShapeFamily.GROUP ? 2 + random.nextInt(2) : 1;
            for (int i = 0; i < objects; i++) {
                ShapeFamily kind = family == ShapeFamily.GROUP ? ShapeFamily.values()[random.nextInt(4)] : family;
                double share = family == ShapeFamily.GROUP ? 0.35 : 1.0;
                Shape shape = object(kind, random, share);
                p.setPaint(contrastingPaint(random, background, shape));
                p.fill(shape);
                m.fill(shape);
            }
        } finally {
            p.dispose();
            m.dispose();
        }
        addNoise(photo, random);
        return new Scene(photo, mask, family);
    }

    private static void antialias(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    }

    private void paintBackground(Graphics2D g, SplittableRandom random, Color[] colors) {
        g.setPaint(new GradientPaint(0, 0, colors[0], (float) (width * random.nextDouble()), height, colors[1]));
        g.fillRect(0, 0, width, height);
        int clutter = 6 + random.nextInt(10);
        for (int i = 0; i < clutter; i++) {
            Color base = random.nextBoolean() ? colors[0] : colors[1];
            g.setColor(new Color(
                    jitter(base.getRed(), random),
                    jitter(base.getGreen(), random),
                    jitter(base.getBlue(), random),
                    90));
            double w = width * (0.05 + 0.3 * random.nextDouble());
            double h = height * (0.05 + 0.3 * random.nextDouble());
            double x = width * random.nextDouble() - w / 2;
            double y = height * random.nextDouble() - h / 2;
            g.fill(random.nextBoolean() ? new Rectangle2D.Double(x, y, w, h) : new Ellipse2D.Double(x, y, w, h));
        }
    }

    private static int jitter(int channel, SplittableRandom random) {
        return Math.max(0, Math.min(255, channel + random.nextInt(61) - 30));
    }

    private Shape object(ShapeFamily kind, SplittableRandom random, double share) {
        double area = width * height * (0.10 + 0.50 * random.nextDouble()) * share;
        double radius = Math.sqrt(area / Math.PI);
        double cx = radius * 0.6 + (width - 1.2 * radius) * random.nextDouble();
        double cy = radius * 0.6 + (height - 1.2 * radius) * random.nextDouble();
        return switch (kind) {
            case BLOB -> blob(cx, cy, radius, random, true);
            case POLYGON -> blob(cx, cy, radius, random, false);
            case HOLED -> holed(cx, cy, radius, random);
            case THIN, GROUP -> thin(cx, cy, radius, random);
        };
    }

    private static Shape blob(double cx, double cy, double radius, SplittableRandom random, boolean smooth) {
        int points = smooth ? 6 + random.nextInt(5) : 3 + random.nextInt(6);
        double[] xs = new double[points];
        double[] ys = new double[points];
        double phase = 2 * Math.PI * random.nextDouble();
        for (int i = 0; i < points; i++) {
            double angle = phase + 2 * Math.PI * i / points;
            double r = radius * (0.55 + 0.6 * random.nextDouble());
            xs[i] = cx + r * Math.cos(angle);
            ys[i] = cy + r * Math.sin(angle);
        }
        Path2D.Double path = new Path2D.Double();
        if (!smooth) {
            path.moveTo(xs[0], ys[0]);
            for (int i = 1; i < points; i++) {
                path.lineTo(xs[i], ys[i]);
            }
        } else {
            // quadratic curves between the midpoints of consecutive points: a closed smooth outline
            path.moveTo((xs[0] + xs[1]) / 2, (ys[0] + ys[1]) / 2);
            for (int i = 1; i <= points; i++) {
                int a = i % points;
                int b = (i + 1) % points;
                path.quadTo(xs[a], ys[a], (xs[a] + xs[b]) / 2, (ys[a] + ys[b]) / 2);
            }
        }
        path.closePath();
        return path;
    }

    private static Shape holed(double cx, double cy, double radius, SplittableRandom random) {
        double rx = radius * (0.8 + 0.4 * random.nextDouble());
        double ry = radius * (0.8 + 0.4 * random.nextDouble());
        boolean frame = random.nextBoolean();
        Shape outer = frame
                ? new Rectangle2D.Double(cx - rx, cy - ry, 2 * rx, 2 * ry)
                : new Ellipse2D.Double(cx - rx, cy - ry, 2 * rx, 2 * ry);
        double hole = 0.35 + 0.3 * random.nextDouble();
        Shape inner = frame
                ? new Rectangle2D.Double(cx - rx * hole, cy - ry * hole, 2 * rx * hole, 2 * ry * hole)
                : new Ellipse2D.Double(cx - rx * hole, cy - ry * hole, 2 * rx * hole, 2 * ry * hole);
        Area area = new Area(outer);
        area.subtract(new Area(inner));
        return AffineTransform.getRotateInstance(Math.PI * random.nextDouble(), cx, cy)
                .createTransformedShape(area);
    }

    private static Shape thin(double cx, double cy, double radius, SplittableRandom random) {
        Path2D.Double path = new Path2D.Double();
        int strokes = 2 + random.nextInt(4);
        for (int s = 0; s < strokes; s++) {
            double angle = 2 * Math.PI * random.nextDouble();
            double length = radius * (0.8 + random.nextDouble());
            double x0 = cx + radius * 0.3 * (random.nextDouble() - 0.5);
            double y0 = cy + radius * 0.3 * (random.nextDouble() - 0.5);
            path.moveTo(x0, y0);
            path.quadTo(
                    x0 + length * Math.cos(angle + 0.6 * (random.nextDouble() - 0.5)) / 2,
                    y0 + length * Math.sin(angle + 0.6 * (random.nextDouble() - 0.5)) / 2,
                    x0 + length * Math.cos(angle),
                    y0 + length * Math.sin(angle));
        }
        float width = (float) (2 + 4 * random.nextDouble());
        Area strokesArea = new Area(
                new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND).createStrokedShape(path));
        strokesArea.add(
                new Area(new Ellipse2D.Double(cx - radius * 0.25, cy - radius * 0.25, radius * 0.5, radius * 0.5)));
        return strokesArea;
    }

    private static GradientPaint contrastingPaint(SplittableRandom random, Color[] background, Shape shape) {
        Rectangle2D bounds = shape.getBounds2D();
        Color first = contrasting(random, background);
        Color second = new Color(
                jitter(first.getRed(), random), jitter(first.getGreen(), random), jitter(first.getBlue(), random));
        return new GradientPaint(
                (float) bounds.getMinX(),
                (float) bounds.getMinY(),
                first,
                (float) bounds.getMaxX(),
                (float) bounds.getMaxY(),
                second,
                random.nextBoolean());
    }

    /** A colour at least 120 away (sum of absolute channel differences) from both background colours. */
    private static Color contrasting(SplittableRandom random, Color[] background) {
        Color best = randomColor(random);
        for (int attempt = 0;
                attempt < 20 && (distance(best, background[0]) < 120 || distance(best, background[1]) < 120);
                attempt++) {
            best = randomColor(random);
        }
        return best;
    }

    private static int distance(Color a, Color b) {
        return Math.abs(a.getRed() - b.getRed())
                + Math.abs(a.getGreen() - b.getGreen())
                + Math.abs(a.getBlue() - b.getBlue());
    }

    private static Color randomColor(SplittableRandom random) {
        return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
    }

    private static void addNoise(BufferedImage photo, SplittableRandom random) {
        int amplitude = 4 + random.nextInt(10);
        for (int y = 0; y < photo.getHeight(); y++) {
            for (int x = 0; x < photo.getWidth(); x++) {
                int rgb = photo.getRGB(x, y);
                int noise = random.nextInt(2 * amplitude + 1) - amplitude;
                int r = Math.max(0, Math.min(255, ((rgb >> 16) & 0xff) + noise));
                int g = Math.max(0, Math.min(255, ((rgb >> 8) & 0xff) + noise));
                int b = Math.max(0, Math.min(255, (rgb & 0xff) + noise));
                photo.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
    }
}
