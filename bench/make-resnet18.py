"""Makes the model `./kinfer bench --http` serves: torchvision's ResNet-18 with random (seeded) weights, traced to
TorchScript at 224x224, beside 1,000 dummy labels and a kinfer manifest. Run with Debian's python3-torch and
python3-torchvision: `/usr/bin/python3 bench/make-resnet18.py <dir>`. Random weights cost exactly what trained ones
cost; the labels it answers mean nothing."""
import json
import os
import sys

import torch
import torchvision

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
model = torchvision.models.resnet18(weights=None).eval()
with torch.no_grad():
    traced = torch.jit.trace(model, torch.rand(1, 3, 224, 224))
traced.save(os.path.join(out, "resnet18.pt.tmp"))
os.replace(os.path.join(out, "resnet18.pt.tmp"), os.path.join(out, "resnet18.pt"))
with open(os.path.join(out, "labels.txt"), "w") as labels:
    labels.write("".join(f"class-{i:03d}\n" for i in range(1000)))
with open(os.path.join(out, "manifest.json"), "w") as manifest:
    json.dump({"name": "resnet18", "version": "1", "task": "classify", "engine": "PyTorch", "artifact": "resnet18.pt",
               "license": "random weights", "options": {"labels": "labels.txt"}}, manifest)
print("wrote", out, "with torch", torch.__version__, "torchvision", torchvision.__version__)
