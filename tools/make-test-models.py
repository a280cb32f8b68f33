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
