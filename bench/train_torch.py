"""PyTorch side of bench/train.mjs: the same MLP and LSTM, one thread, samples per second (CPU and wall) as JSON.

Usage: /usr/bin/python3 bench/train_torch.py '<config json>'  (run by bench/train.mjs)
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
config = json.loads(sys.argv[1])


class Lstm(torch.nn.Module):
    def __init__(self, features, units):
        super().__init__()
        self.lstm = torch.nn.LSTM(features, units, batch_first=True)
        self.out = torch.nn.Linear(units, 1)

    def forward(self, x):
        sequence, _ = self.lstm(x)
        return self.out(sequence[:, -1, :])


def mlp(features, hidden):
    layers, width = [], features
    for units in hidden:
        layers += [torch.nn.Linear(width, units), torch.nn.ReLU()]
        width = units
    layers.append(torch.nn.Linear(width, 1))
    return torch.nn.Sequential(*layers)


def train(model, optimizer, x, y, batch, epochs):
    loss_fn = torch.nn.MSELoss()
    n = x.shape[0]
    for _ in range(epochs):
        order = torch.randperm(n)
        for i in range(0, n, batch):
            idx = order[i:i + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()


def throughput(model, x, y, batch, epochs, rounds):
    """Samples per second of process CPU time and of wall time: best of `rounds` after a warm-up epoch, as on the tfjs side."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    train(model, optimizer, x, y, batch, 1)
    best_cpu = best_wall = float("inf")
    for _ in range(rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        train(model, optimizer, x, y, batch, epochs)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    samples = x.shape[0] * epochs
    return {"cpu": samples / best_cpu, "wall": samples / best_wall}


results = {}
m = config["mlp"]
x = torch.randn(m["samples"], m["features"])
y = torch.randn(m["samples"], 1)
results["mlp"] = throughput(mlp(m["features"], m["hidden"]), x, y, m["batch"], m["epochs"], config["rounds"])
s = config["lstm"]
x = torch.randn(s["samples"], s["window"], s["features"])
y = torch.randn(s["samples"], 1)
results["lstm"] = throughput(Lstm(s["features"], s["units"]), x, y, s["batch"], s["epochs"], config["rounds"])
results["torch"] = torch.__version__
print(json.dumps(results))
