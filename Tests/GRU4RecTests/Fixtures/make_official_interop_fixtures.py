#!/usr/bin/python3
"""Models in the official PyTorch GRU4Rec's layout, with the scores PyTorch gives them.

Needs Debian's python3-torch:  /usr/bin/python3 make_official_interop_fixtures.py
Writes, beside this script, for each input mode (constrained, embedding, one-hot):
  official-MODE.safetensors   the state dict under the official names (G.0.weight_ih, Wy.weight,
                              E.weight, GE.Wx0.weight, ...) with the item ids in the metadata
  official-MODE-scores.json   sessions of item rows and the scores of every item after each step

The modules are built from torch.nn.GRUCell and torch.nn.Embedding with the official attribute
names, so their state_dict keys are the official ones; the one-hot first layer is written out
here from its equations (reset before the recurrent product, one bias, gate blocks (n, r, z)).
The safetensors file is written directly (an 8-byte header length, a JSON header, the data), so
no package besides torch is needed.
"""
import json
import os
import struct

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
ITEMS = 15
ITEM_IDS = [1000 + 37 * row for row in range(ITEMS)]
SESSIONS = [[3, 7, 7, 1], [14, 0], [5, 9, 2, 11, 6]]


class OneHotGRULayer(nn.Module):
    """The official one-hot first layer: item rows of Wx0 give the input gates (n, r, z)."""

    def __init__(self, items, hidden):
        super().__init__()
        self.Wx0 = nn.Embedding(items, 3 * hidden)
        self.Wrz0 = nn.Parameter(torch.empty(hidden, 2 * hidden))
        self.Wh0 = nn.Parameter(torch.empty(hidden, hidden))
        self.Bh0 = nn.Parameter(torch.empty(3 * hidden))

    def forward(self, items, h):
        candidate_in, reset_in, update_in = (self.Wx0(items) + self.Bh0).chunk(3, 1)
        reset_h, update_h = (h @ self.Wrz0).chunk(2, 1)
        r = torch.sigmoid(reset_in + reset_h)
        z = torch.sigmoid(update_in + update_h)
        candidate = torch.tanh((r * h) @ self.Wh0 + candidate_in)
        return (1 - z) * h + z * candidate


class OfficialLayout(nn.Module):
    """GRU4Rec's network under the official names: Wy/By output, E or GE input, G GRU cells."""

    def __init__(self, mode, layers, embedding=0):
        super().__init__()
        self.mode = mode
        self.Wy = nn.Embedding(ITEMS, layers[-1])
        self.By = nn.Embedding(ITEMS, 1)
        if mode == "embedding":
            self.E = nn.Embedding(ITEMS, embedding)
            first_input = embedding
        else:
            first_input = layers[-1]
        if mode == "onehot":
            self.GE = OneHotGRULayer(ITEMS, layers[0])
            self.G = nn.ModuleList()
        else:
            sizes = [first_input] + layers
            self.G = nn.ModuleList(nn.GRUCell(sizes[i], sizes[i + 1]) for i in range(len(layers)))

    def step(self, items, states):
        if self.mode == "onehot":
            x = self.GE(items, states[0])
            states[0] = x
        else:
            x = self.E(items) if self.mode == "embedding" else self.Wy(items)
            for i, cell in enumerate(self.G):
                x = cell(x, states[i])
                states[i] = x
        return x @ self.Wy.weight.T + self.By.weight.T


def write_safetensors(path, tensors, metadata):
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name in sorted(tensors):
        data = tensors[name].detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def make(mode, layers, embedding, parameters, seed):
    torch.manual_seed(seed)
    model = OfficialLayout(mode, layers, embedding)
    with torch.no_grad():
        for tensor in model.parameters():
            tensor.uniform_(-0.6, 0.6)
    scores = []
    with torch.no_grad():
        for session in SESSIONS:
            states = [torch.zeros(1, size) for size in layers]
            scores.append([model.step(torch.tensor([item]), states)[0].tolist() for item in session])
    metadata = {"item_ids": json.dumps(ITEM_IDS)}
    if parameters is not None:
        metadata["parameters"] = parameters
    write_safetensors(os.path.join(HERE, f"official-{mode}.safetensors"), model.state_dict(), metadata)
    with open(os.path.join(HERE, f"official-{mode}-scores.json"), "w") as file:
        json.dump({"sessions": SESSIONS, "scores": scores}, file)
    print(f"official-{mode}: {sorted(model.state_dict())}")


make("constrained", [6, 5], 0, "layers=6/5,constrained_embedding=True", seed=1)
make("embedding", [5], 4, None, seed=2)
make("onehot", [6], 0, "layers=6,embedding=0,constrained_embedding=False", seed=3)
