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
def prev_maps():
    with torch.no_grad():
        a = teacher.forward_all(teacher.norm(train.images[:K * 5]))['cal']['attn']
    return a.view(K, 5, *a.shape[1:])
# the machine's speed drifts, so bare and recover steps are timed in alternation and compared round by round
n = 10; rounds = 9; res = {m: [] for m in ('sre2l', 'fd2')}; bares = []
for r in range(rounds):
    tb = timeit(bare, n, 1 if r else 3); bares.append(tb)
    for m in res:
        cfg = RecoverConfig(method=m, iterations=n, amp='off'); prev = prev_maps() if m == 'fd2' else None
        t = time.perf_counter(); recover_batch(teacher, x0, y, cfg, prev, make_generator(0)); res[m].append(((time.perf_counter() - t) / n, tb))
med = lambda v: sorted(v)[len(v) // 2]
print(f'bare teacher forward+backward (batch {K}, {S} px, with the same augmentation): {med(bares)*1000:.1f} ms (median of {rounds} rounds)')
for m, v in res.items():
    print(f"{m:6s} recover step: {med([a for a, _ in v])*1000:.1f} ms; ratio to the bare step of the same round: median {med([a / b for a, b in v]):.2f}x"
          + (' (5 earlier images per class)' if m == 'fd2' else ''))
if '--skip-full' not in sys.argv:
    cfg = RecoverConfig(method='fd2')
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter(); recover(teacher, train, 10, cfg, d); dt = time.perf_counter() - t
    print(f'whole FD2 recover, {K} classes, IPC 10, {cfg.iterations} iterations, {S} px: {dt:.0f}s')
