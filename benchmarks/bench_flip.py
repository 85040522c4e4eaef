#!/usr/bin/env python
"""The horizontal flip of the recover augmentation, applied after the crop (a torch.where over the batch) against folded
into the crop (the x-axis weights with their rows reversed, `crop_resize(..., flip=flags)`, the same numbers): crop,
flip, roll and a ConvNet-4 (the default teacher) forward+backward on 10 images, one thread, process CPU ms, best of 5
interleaved rounds, at 64 and 128 px.
Usage: python benchmarks/bench_flip.py"""
import time
import torch, torch.nn.functional as F
from fd2dd.core import make_generator
from fd2dd.data.augment import crop_resize, flip, sample_rrc, jitter
from fd2dd.models.backbones import create_model
from fd2dd.squeeze import Teacher, SqueezeConfig

torch.set_num_threads(1)
K, sq = 10, SqueezeConfig()


def cpu_ms(f, n=10):
    f()
    t = time.process_time()
    for _ in range(n): f()
    return (time.process_time() - t) / n * 1e3


for S in (64, 128):
    t = Teacher(create_model(sq.arch, K, S, **sq.arch_kwargs), [str(k) for k in range(K)], S, [0.5] * 3, [0.25] * 3).eval()
    for p in t.parameters(): p.requires_grad_(False)
    x0, y = torch.randn(K, 3, S, S), torch.arange(K)
    boxes, flags = sample_rrc(K, S, S, generator=make_generator(0)), torch.tensor([True, False] * (K // 2))

    def step(folded):
        x = x0.clone().requires_grad_(True)
        xa = crop_resize(x, boxes, S, flags) if folded else flip(crop_resize(x, boxes, S), flags)
        F.cross_entropy(t(jitter(xa, 4, make_generator(0))), y).backward()

    r = {False: [], True: []}
    for _ in range(5):
        for folded in r: r[folded].append(cpu_ms(lambda: step(folded)))
    print(f'{S} px: crop+flip+roll+network fwd+bwd, ms (best of 5 interleaved rounds): flip after the crop '
          f'{min(r[False]):.1f} | folded into the crop {min(r[True]):.1f}')
