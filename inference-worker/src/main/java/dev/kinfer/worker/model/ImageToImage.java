package dev.kinfer.worker.model;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.kinfer.catalog.ModelManifest;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Any image-to-image network (stylisation, AnimeGAN-like exports): NCHW RGB in [0, 1] in, the same layout
 * out, so an image of any size comes back at that size.
 */
final class ImageToImage {
    private ImageToImage() {
    }

    static ModelRunner load(ModelManifest manifest, Path modelDir, int intraOpThreads) {
        return new DjlRunner<>(manifest, modelDir, intraOpThreads, Image.class, new PixelTranslator(),
                (input, output) -> new ModelOutput.ImageProduct((BufferedImage) output.getWrappedImage()), false);
    }

    static final class PixelTranslator implements Translator<Image, Image> {
        @Override
        public NDList processInput(TranslatorContext ctx, Image input) {
            NDArray pixels = input.toNDArray(ctx.getNDManager(), Image.Flag.COLOR);
            return new NDList(pixels.toType(DataType.FLOAT32, false).div(255f).transpose(2, 0, 1));
        }

        @Override
        public Image processOutput(TranslatorContext ctx, NDList list) {
            NDArray rgb = list.getFirst().clip(0f, 1f).mul(255f).round().toType(DataType.UINT8, false);
            return ImageFactory.getInstance().fromNDArray(rgb);
        }

        @Override
        public Batchifier getBatchifier() {
            return Batchifier.STACK;
        }
    }
}
