#!/usr/bin/env python3
"""A safetensors file written by the reference Python package, for Nabla's reader to open.

Needs the PyPI packages safetensors and numpy:  python3 make_safetensors_fixture.py
Writes reference.safetensors beside this script with F32, F64 and I64 tensors and metadata.
"""
import os

import numpy as np
from safetensors.numpy import save_file

tensors = {
    "gru.layer0.weightIH": np.arange(12, dtype=np.float32).reshape(3, 4) / 8 - 0.5,
    "output.bias": np.array([1.5, -2.25, 1e-3], dtype=np.float64),
    "item.indices": np.array([[0, 7], [-3, 2 ** 40]], dtype=np.int64),
    "scalar": np.array(3.25, dtype=np.float32),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.safetensors")
save_file(tensors, path, metadata={"format": "nabla-test", "note": "written by safetensors.numpy"})
print("wrote", path)
