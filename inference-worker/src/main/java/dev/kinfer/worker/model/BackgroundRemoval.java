package dev.kinfer.worker.model;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.kinfer.catalog.ModelManifest;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * IS-Net background removal (the model {@code @imgly/background-removal} ships): the network sees the image
 * stretched to 1024x1024 with pixels mapped by {@code (x - 128) / 256}, and answers a foreground probability
 * per pixel. The result is the original image, at its original size, with that mask as its alpha channel;
 * parameters {@code background} and {@code idPhoto} put it on a backdrop or frame it as an ID photo ({@link IdPhoto}).
 */
final class BackgroundRemoval {
    static final int SIDE = 1024;

    private BackgroundRemoval() {
    }

    static ModelRunner load(ModelManifest manifest, Path modelDir, int intraOpThreads) {
        return new DjlRunner<>(manifest, modelDir, intraOpThreads, float[].class, new MaskTranslator(),
                (input, mask) -> new ModelOutput.ImageProduct(IdPhoto.finish(cutOut(input.image(), mask), input.params())), true);
    }

    /** Image in, 1024x1024 foreground mask (row-major, values in [0, 1]) out. */
    static final class MaskTranslator implements Translator<Image, float[]> {
        @Override
        public NDList processInput(TranslatorContext ctx, Image input) {
            NDArray pixels = input.resize(SIDE, SIDE, false).toNDArray(ctx.getNDManager(), Image.Flag.COLOR);
            NDArray normalized = pixels.toType(DataType.FLOAT32, false).sub(128f).div(256f).transpose(2, 0, 1);
            return new NDList(normalized);
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            return list.getFirst().clip(0f, 1f).toFloatArray();
        }

        @Override
        public Batchifier getBatchifier() {
            return Batchifier.STACK;
        }
    }

    /** The original pixels with the mask, scaled back to the original size, as alpha. */
    static BufferedImage cutOut(BufferedImage original, float[] mask) {
        int width = original.getWidth();
        int height = original.getHeight();
        BufferedImage maskImage = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        byte[] maskBytes = ((java.awt.image.DataBufferByte) maskImage.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < maskBytes.length; i++) {
            maskBytes[i] = (byte) Math.round(mask[i] * 255f);
        }
        BufferedImage scaledMask = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = scaledMask.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(maskImage, 0, 0, width, height, null);
        g.dispose();

        BufferedImage cut = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        int[] rgb = original.getRGB(0, 0, width, height, null, 0, width);
        byte[] alpha = ((java.awt.image.DataBufferByte) scaledMask.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (rgb[i] & 0x00FFFFFF) | ((alpha[i] & 0xFF) << 24);
        }
        cut.setRGB(0, 0, width, height, rgb, 0, width);
        return cut;
    }
}
