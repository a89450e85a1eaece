// A tiny model, one gradient: the smallest complete tour of Nabla's autodiff.
import Nabla

// A linear model y = w·x + b scored against a target with a squared error.
let x = Tensor<Double>(rows: [[1, 2], [3, 4], [5, 6]])          // 3 examples, 2 features
let target = Tensor<Double>(rows: [[1], [2], [3]])
let w = Tensor<Double>(rows: [[0.1], [-0.2]], requiresGrad: true)
let b = Tensor<Double>([0.05], requiresGrad: true)

let prediction = matmul(x, w) + b                                // [3, 1], b broadcast over rows
let loss = ((prediction - target).pow(2)).mean()
loss.backward()

print("loss   =", loss.item)
print("dL/dw  =", w.grad!)
print("dL/db  =", b.grad!)

// The same gradients checked against finite differences.
let check = gradcheck([w, b]) { p in ((matmul(x, p[0]) + p[1] - target).pow(2)).mean() }
print(check)
