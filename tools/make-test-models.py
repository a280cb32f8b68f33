"""Makes the tiny TorchScript models the worker's tests and the benchmark load (run with Debian's python3-torch:
`/usr/bin/python3 tools/make-test-models.py inference-worker/src/test/resources/models`).

The weights are fixed, not trained, so the tests can check exact outputs: `invert.pt` maps an image x in
[0,1] to 1 - x per channel, through a real 1x1 convolution, so it exercises TorchScript loading and batching
in DJL's PyTorch engine without any download."""
import sys
import torch


class Invert(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 3, kernel_size=1)
        with torch.no_grad():
            self.conv.weight.copy_(-torch.eye(3).reshape(3, 3, 1, 1))
            self.conv.bias.fill_(1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


out = sys.argv[1]
torch.jit.script(Invert().eval()).save(f"{out}/invert.pt")
print("wrote", f"{out}/invert.pt")


class SmallStylizer(torch.nn.Module):
    """A stylisation-shaped network (three 3x3 convolutions, residual, sigmoid): real convolution cost that grows
    with the image's area, like AnimeGAN or fast neural style, at a size that can live in the repository."""

    def __init__(self):
        super().__init__()
        self.body = torch.nn.Sequential(
            torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(16, 16, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(16, 3, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.body(x) + x)


torch.manual_seed(0)
torch.jit.script(SmallStylizer().eval()).save(f"{out}/stylize-small.pt")
print("wrote", f"{out}/stylize-small.pt")


class Residual(torch.nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.body = torch.nn.Sequential(
            torch.nn.Conv2d(channels, channels, 3, padding=1), torch.nn.InstanceNorm2d(channels, affine=True), torch.nn.ReLU(),
            torch.nn.Conv2d(channels, channels, 3, padding=1), torch.nn.InstanceNorm2d(channels, affine=True))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class FastStyleNet(torch.nn.Module):
    """The fast neural style transformer network (Johnson et al. 2016: 9x9 in, two stride-2 downsamplings,
    five residual blocks, two upsamplings, 9x9 out, instance norm) at half the paper's width, so that the file
    stays small. The weights are seeded, not trained: it costs what a real style model costs, which is what the
    benchmark needs, and its pictures mean nothing."""

    def __init__(self, width: int = 16):
        super().__init__()

        def block(cin: int, cout: int, kernel: int, stride: int = 1):
            return [torch.nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2),
                    torch.nn.InstanceNorm2d(cout, affine=True), torch.nn.ReLU()]

        self.body = torch.nn.Sequential(
            *block(3, width, 9), *block(width, 2 * width, 3, 2), *block(2 * width, 4 * width, 3, 2),
            *[Residual(4 * width) for _ in range(5)],
            torch.nn.Upsample(scale_factor=2.0, mode="nearest"), *block(4 * width, 2 * width, 3),
            torch.nn.Upsample(scale_factor=2.0, mode="nearest"), *block(2 * width, width, 3),
            torch.nn.Conv2d(width, 3, 9, padding=4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.body(x))


torch.manual_seed(0)
torch.jit.script(FastStyleNet().eval()).save(f"{out}/fast-style.pt")
print("wrote", f"{out}/fast-style.pt")


class ColourClassifier(torch.nn.Module):
    """A classifier whose answer is known: the logits are ten times each channel's mean of the normalised image,
    so a red picture is "red". It checks a classify deployment end to end (resizing, normalisation, softmax,
    top-k, labels) without trained weights; labels: colour-classifier.labels."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 10.0 * x.mean(dim=(2, 3))


torch.jit.script(ColourClassifier().eval()).save(f"{out}/colour-classifier.pt")
print("wrote", f"{out}/colour-classifier.pt")


class AdaIN(torch.nn.Module):
    """Adaptive instance normalisation alone (Huang & Belongie 2017, without the VGG encoder and the trained
    decoder): the content's per-channel statistics replaced by the style's. A two-input network with the
    interface a full AdaIN export has, (content, style) in [0, 1] to an image in [0, 1]."""

    def forward(self, content: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        content_mean = content.mean(dim=(2, 3), keepdim=True)
        content_std = content.std(dim=(2, 3), keepdim=True) + 1e-5
        style_mean = style.mean(dim=(2, 3), keepdim=True)
        style_std = style.std(dim=(2, 3), keepdim=True)
        return ((content - content_mean) / content_std * style_std + style_mean).clamp(0, 1)


torch.jit.script(AdaIN().eval()).save(f"{out}/adain.pt")
print("wrote", f"{out}/adain.pt")
