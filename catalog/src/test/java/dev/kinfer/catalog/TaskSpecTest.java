package dev.kinfer.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskSpecTest {
    @Test
    void shouldDeclareEveryTaskAManifestMayName() {
        assertThat(ModelManifest.TASKS).containsExactlyInAnyOrder("classify", "remove-background", "stylize", "style-transfer",
                "upscale", "detect-faces", "embed-face", "verify-face", "synthetic");
        for (String task : ModelManifest.TASKS) {
            TaskSpec spec = TaskSpecs.of(task);
            assertThat(spec.task()).isEqualTo(task);
            assertThat(spec.inputs()).first().satisfies(first -> {
                assertThat(first.name()).isEqualTo("image");
                assertThat(first.required()).isTrue();
            });
            assertThat(spec.output().type()).isIn("classifications", "image", "detections", "embedding", "verification");
        }
        assertThat(TaskSpecs.find("paint")).isEmpty();
        assertThatThrownBy(() -> TaskSpecs.of("paint")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountTheImagesEachTaskTakes() {
        assertThat(TaskSpecs.DETECT_FACES.takesImages(1)).isTrue();
        assertThat(TaskSpecs.DETECT_FACES.takesImages(2)).isFalse();
        assertThat(TaskSpecs.STYLE_TRANSFER.takesImages(1)).isFalse();
        assertThat(TaskSpecs.STYLE_TRANSFER.maxImages()).isEqualTo(2);
        assertThat(TaskSpecs.VERIFY_FACE.minImages()).isEqualTo(1);
        assertThat(TaskSpecs.VERIFY_FACE.maxImages()).isEqualTo(2);
        assertThat(TaskSpecs.VERIFY_FACE.input("reference")).hasValueSatisfying(r -> assertThat(r.required()).isFalse());
        assertThat(TaskSpecs.UPSCALE.input("style")).isEmpty();
    }

    @Test
    void shouldTakeValidThresholdsAndRefuseOthersNamingTheParameter() {
        assertThatCode(() -> TaskSpecs.DETECT_FACES.check(Map.of("threshold", "0.5"))).doesNotThrowAnyException();
        assertThatCode(() -> TaskSpecs.DETECT_FACES.check(Map.of("threshold", " 0.9 "))).doesNotThrowAnyException();
        assertThatCode(() -> TaskSpecs.DETECT_FACES.check(Map.of())).doesNotThrowAnyException();

        for (String bad : new String[] {"7", "0", "1", "-0.2", "NaN", "Infinity", "0x1p-2", "0.5f", "half", ""}) {
            assertThatThrownBy(() -> TaskSpecs.DETECT_FACES.check(Map.of("threshold", bad))).as(bad)
                    .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("threshold"))
                    .hasMessage("threshold must be a number greater than 0 and less than 1, got '" + bad + "'");
        }
    }

    @Test
    void shouldRefuseAParameterTheTaskDoesNotTakeSayingWhatItTakes() {
        assertThatThrownBy(() -> TaskSpecs.DETECT_FACES.check(Map.of("nope", "1", "threshold", "0.5")))
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("nope"))
                .hasMessage("'nope' is not a parameter of detect-faces; it takes 'threshold' and 'landmarks'");
        assertThatThrownBy(() -> TaskSpecs.UPSCALE.check(Map.of("scale", "4")))
                .hasMessage("'scale' is not a parameter of upscale; it takes no parameters");
        assertThatThrownBy(() -> TaskSpecs.REMOVE_BACKGROUND.check(Map.of("crop", "yes")))
                .hasMessage("'crop' is not a parameter of remove-background; it takes 'background' and 'idPhoto'");
    }

    @Test
    void shouldRefuseAnUnknownNameBeforeABadValue() {
        assertThatThrownBy(() -> TaskSpecs.DETECT_FACES.check(Map.of("threshold", "7", "zzz", "1")))
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("zzz"));
    }

    @Test
    void shouldCheckTopKAsAWholeNumberOfAtLeastOneAndLetAModelNarrowIt() {
        assertThatCode(() -> TaskSpecs.CLASSIFY.check(Map.of("topK", "3"))).doesNotThrowAnyException();
        assertThatCode(() -> TaskSpecs.CLASSIFY.check(Map.of("topK", " 1000 "))).doesNotThrowAnyException();
        for (String bad : new String[] {"0", "-1", "2.5", "three", "99999999999999999999"}) {
            assertThatThrownBy(() -> TaskSpecs.CLASSIFY.check(Map.of("topK", bad))).as(bad)
                    .hasMessage("topK must be a whole number of at least 1, got '" + bad + "'");
        }
        ParamSpec forThreeLabels = TaskSpecs.CLASSIFY.requireParam("topK").atMost(3);
        assertThatThrownBy(() -> forThreeLabels.check("4")).hasMessage("topK must be a whole number from 1 to 3, got '4'");
    }

    @Test
    void shouldTakeNamedAndHexBackdropsAndPrintSizes() {
        for (String good : new String[] {"white", "Blue", "RED", "#438edb", "#FFFFFF"}) {
            assertThatCode(() -> TaskSpecs.REMOVE_BACKGROUND.check(Map.of("background", good))).as(good).doesNotThrowAnyException();
        }
        assertThatCode(() -> TaskSpecs.REMOVE_BACKGROUND.check(Map.of("idPhoto", "35x45mm", "background", "blue")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> TaskSpecs.REMOVE_BACKGROUND.check(Map.of("background", "mauve")))
                .hasMessage("background must be white, blue, red or #RRGGBB, got 'mauve'");
        assertThatThrownBy(() -> TaskSpecs.REMOVE_BACKGROUND.check(Map.of("background", "#12345")))
                .isInstanceOf(InvalidParameterException.class);
        for (String bad : new String[] {"passport", "35x45", "00x45mm", "35x45cm", "1000x45mm"}) {
            assertThatThrownBy(() -> TaskSpecs.REMOVE_BACKGROUND.check(Map.of("idPhoto", bad))).as(bad)
                    .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("idPhoto"))
                    .hasMessageContaining("35x45mm");
        }
    }

    @Test
    void shouldTakeRegisterOrSubjectButNotBoth() {
        assertThatCode(() -> TaskSpecs.VERIFY_FACE.check(Map.of("register", "eileen@example.org"))).doesNotThrowAnyException();
        assertThatCode(() -> TaskSpecs.VERIFY_FACE.check(Map.of("subject", "eileen"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> TaskSpecs.VERIFY_FACE.check(Map.of("register", "a", "subject", "b")))
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("subject"))
                .hasMessage("'register' and 'subject' do not go together");
        assertThatThrownBy(() -> TaskSpecs.VERIFY_FACE.check(Map.of("subject", "../etc")))
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("subject"))
                .hasMessageStartingWith("subject must be 1 to 128 letters");
        assertThat(TaskSpecs.VERIFY_FACE.excludedBy("register")).containsExactly("subject");
        assertThat(TaskSpecs.VERIFY_FACE.excludedBy("subject")).containsExactly("register");
    }

    @Test
    void shouldNotEchoAnEnormousValueWhole() {
        String huge = "x".repeat(10_000);
        assertThatThrownBy(() -> TaskSpecs.DETECT_FACES.check(Map.of("threshold", huge))).message().hasSizeLessThan(200);
    }

    @Test
    void shouldTakeDefaultsFromTheManifestWhenItSetsThem() {
        ParamSpec threshold = TaskSpecs.DETECT_FACES.requireParam("threshold");
        assertThat(threshold.defaultFor(Map.of())).isEqualTo("0.75");
        assertThat(threshold.defaultFor(Map.of("threshold", "0.6", "inputSize", "128"))).isEqualTo("0.6");
        assertThat(threshold.typed(threshold.defaultFor(Map.of()))).isEqualTo(0.75);
        assertThat(TaskSpecs.CLASSIFY.requireParam("topK").typed("5")).isEqualTo(5L);
        assertThat(TaskSpecs.REMOVE_BACKGROUND.requireParam("background").defaultFor(Map.of())).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"7", "zero"})
    void shouldRefuseAManifestWhoseOptionGivesAParameterADefaultItCannotTake(String threshold) {
        ModelManifest manifest = new ModelManifest("faces", "1", "detect-faces", "OnnxRuntime", "m.onnx", "test", null, null, null,
                Map.of("threshold", threshold), null);

        assertThat(manifest.problems()).singleElement().asString()
                .startsWith("option threshold (the default of parameter threshold): threshold must be a number");
    }

    @Test
    void shouldDescribeOtherTypes() {
        ParamSpec flag = ParamSpec.bool("mirror", "flip it");
        ParamSpec mode = ParamSpec.oneOf("mode", "how", "fast", "exact");
        ParamSpec ratio = ParamSpec.number("ratio", "r").atLeast(0).atMost(1);

        assertThatCode(() -> flag.check("TRUE")).doesNotThrowAnyException();
        assertThat(flag.typed("false")).isEqualTo(false);
        assertThatThrownBy(() -> flag.check("yes")).hasMessage("mirror must be true or false, got 'yes'");
        assertThatCode(() -> mode.check("fast")).doesNotThrowAnyException();
        assertThatThrownBy(() -> mode.check("slow")).hasMessage("mode must be one of fast, exact, got 'slow'");
        assertThatCode(() -> ratio.check("1")).doesNotThrowAnyException();
        assertThatThrownBy(() -> ratio.check("1.5")).hasMessage("ratio must be a number from 0 to 1, got '1.5'");
        assertThat(mode.type().jsonName()).isEqualTo("enum");
    }
}
