#!/usr/bin/env python
"""Where a student's training time goes: torch.profiler over `train_student` (IPC 3 of 10 classes, random-weight
ConvNet-4 teacher and student, batch 10), the top operators by total CPU time.
Usage: python benchmarks/profile_student.py [--size 64] [--steps 300] [--nchw] [--rows 15]
--nchw builds the networks in the default (NCHW) memory layout instead of channels-last, to see what the layout buys."""
import argparse, time
import torch
from torch.profiler import profile, ProfilerActivity
import fd2dd.models.backbones as bb, fd2dd.train as tr
from fd2dd.core import set_quiet
from fd2dd.data.core import ImageData
from fd2dd.squeeze import Teacher
from fd2dd.train import TrainConfig, train_student

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--size', type=int, default=64); ap.add_argument('--steps', type=int, default=300)
ap.add_argument('--nchw', action='store_true'); ap.add_argument('--rows', type=int, default=15)
a = ap.parse_args(); set_quiet(True)
if a.nchw:
    make = bb.create_model
    tr.create_model = lambda *x, **k: make(*x, channels_last=False, **k)
K, S = 10, a.size; g = torch.Generator().manual_seed(0)
data = ImageData(torch.randint(0, 256, (3 * K, 3, S, S), dtype=torch.uint8, generator=g), torch.arange(3 * K) % K, [str(i) for i in range(K)])
cfg = TrainConfig(min_steps=a.steps, avg_last=1, eval_every=10**6)
teacher = Teacher(tr.create_model('convnet4', K, S, **TrainConfig().arch_kwargs | {'norm': 'batch'}), data.classes, S, [0.5] * 3, [0.25] * 3).eval()
train_student(cfg.replace(min_steps=20), data, data, teacher)                  # warm-up
t0 = time.perf_counter(); train_student(cfg, data, data, teacher); dt = time.perf_counter() - t0
print(f"{'NCHW' if a.nchw else 'channels-last'}, {S} px: {a.steps} steps in {dt:.2f} s ({dt / a.steps * 1e3:.1f} ms/step)")
with profile(activities=[ProfilerActivity.CPU]) as p: train_student(cfg, data, data, teacher)
print(p.key_averages().table(sort_by='cpu_time_total', row_limit=a.rows))
