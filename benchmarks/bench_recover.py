#!/usr/bin/env python
"""Seconds per recover step (SRe2L, FD2) against the bare teacher forward+backward on the same batch,
and the wall time of the whole FD2 recover of synthbirds (10 classes, IPC 10, default iterations).
Usage: python benchmarks/bench_recover.py [--skip-full]"""
import sys, tempfile, time
import torch
from common import default_data, default_teacher, timeit
from fd2dd.core import make_generator
from fd2dd.data.augment import random_resized_crop, jitter
from fd2dd.synth.recover import RecoverConfig, recover_batch, recover

train, test = default_data(); teacher = default_teacher(train, test).eval()
for p in teacher.parameters(): p.requires_grad_(False)
K, S = train.num_classes, train.size
x0 = torch.randn(K, 3, S, S); y = torch.arange(K)
def bare():
    x = x0.clone().requires_grad_(True)
    xa = jitter(random_resized_crop(x, generator=make_generator(0)), 4, make_generator(0))
    torch.nn.functional.cross_entropy(teacher(xa), y).backward()
t_bare = timeit(bare, 20, 3)
print(f'bare teacher forward+backward (batch {K}, {S} px, with the same augmentation): {t_bare*1000:.1f} ms')
for m in ('sre2l', 'fd2'):
    prev = None
    if m == 'fd2':
        with torch.no_grad(): prev = teacher.forward_all(teacher.norm(train.images[:K * 5]))['cal']['attn'].view(K, 5, *teacher.forward_all(teacher.norm(train.images[:1]))['cal']['attn'].shape[1:])
    n = 30; cfg = RecoverConfig(method=m, iterations=n)
    recover_batch(teacher, x0, y, cfg.replace(iterations=3), prev, make_generator(0))
    t = time.perf_counter(); recover_batch(teacher, x0, y, cfg, prev, make_generator(0)); dt = (time.perf_counter() - t) / n
    print(f'{m:6s} recover step: {dt*1000:.1f} ms = {dt/t_bare:.2f}x the bare forward+backward' + (' (5 earlier images per class)' if prev is not None else ''))
if '--skip-full' not in sys.argv:
    cfg = RecoverConfig(method='fd2')
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter(); recover(teacher, train, 10, cfg, d); dt = time.perf_counter() - t
    print(f'whole FD2 recover, {K} classes, IPC 10, {cfg.iterations} iterations, {S} px: {dt:.0f}s')
