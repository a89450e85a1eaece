#!/usr/bin/python3
"""Reference values for Nabla's PyTorch-formulation GRU cell, computed by torch.nn.GRUCell.

Run with Debian's PyTorch (package python3-torch):  /usr/bin/python3 make_gru_fixtures.py
Writes gru_cell_pytorch.json beside this script. The Swift tests read the JSON; they do not
need PyTorch.
"""
import json
import os

import torch

torch.manual_seed(20251123)
batch, input_size, hidden_size = 3, 4, 5
cell = torch.nn.GRUCell(input_size, hidden_size).double()
with torch.no_grad():
    for parameter in cell.parameters():
        parameter.uniform_(-0.6, 0.6)
x = torch.empty(batch, input_size, dtype=torch.float64).uniform_(-1, 1).requires_grad_()
h = torch.empty(batch, hidden_size, dtype=torch.float64).uniform_(-1, 1).requires_grad_()
upstream = torch.empty(batch, hidden_size, dtype=torch.float64).uniform_(-1, 1)

output = cell(x, h)
output.backward(upstream)


def flat(tensor):
    return [float(v) for v in tensor.detach().reshape(-1)]


fixture = {
    "about": "torch.nn.GRUCell(%d, %d) in float64, torch %s; gradients of sum(output * upstream)"
             % (input_size, hidden_size, torch.__version__),
    "batch": batch, "inputSize": input_size, "hiddenSize": hidden_size,
    "weightIH": flat(cell.weight_ih), "weightHH": flat(cell.weight_hh),
    "biasIH": flat(cell.bias_ih), "biasHH": flat(cell.bias_hh),
    "x": flat(x), "h": flat(h), "upstream": flat(upstream),
    "output": flat(output),
    "gradX": flat(x.grad), "gradH": flat(h.grad),
    "gradWeightIH": flat(cell.weight_ih.grad), "gradWeightHH": flat(cell.weight_hh.grad),
    "gradBiasIH": flat(cell.bias_ih.grad), "gradBiasHH": flat(cell.bias_hh.grad),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gru_cell_pytorch.json")
with open(path, "w") as f:
    json.dump(fixture, f, indent=1)
print("wrote", path)
