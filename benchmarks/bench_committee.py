#!/usr/bin/env python
"""What a committee of teachers costs in recover: seconds per step of SRe2L++ and FD2 with committees of 1, 2
and 3 teachers (every teacher on every step, `recover_batch(committee=...)`), and of FADRM+ (one teacher per
step), against the sum of the members' bare forward+backward to the pixels on the same augmented batch (and, in the
last columns, on the batch without augmentation: the network alone). The members are
default-architecture teachers (ConvNet-4, CAL head with 8x8 maps) with their own random weights: the cost does
not depend on what they learned. One thread and process CPU time, steps and bare passes timed in alternation.

Usage: [FD2DD_MALLOC=256] python benchmarks/bench_committee.py [--size 64] [--steps 10] [--rounds 5] [--compile]"""
import argparse, time
import torch, torch.nn.functional as F
from fd2dd.core import make_generator, tune_malloc
from fd2dd.data.augment import random_resized_crop, jitter
from fd2dd.models.backbones import create_model
from fd2dd.models.cal import CALHead
from fd2dd.squeeze import Teacher, SqueezeConfig
from fd2dd.synth.recover import RecoverConfig, recover_batch

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--size', type=int, default=64); ap.add_argument('--classes', type=int, default=10)
ap.add_argument('--steps', type=int, default=10); ap.add_argument('--rounds', type=int, default=5)
ap.add_argument('--compile', action='store_true', help='recover.compile=True (compiled once, before the rounds)')
a = ap.parse_args()
torch.set_num_threads(1)
tune_malloc()   # as recover does: glibc's malloc as it comes unless FD2DD_MALLOC=<MB> is set
K, S, sq = a.classes, a.size, SqueezeConfig()

def member(seed):
    torch.manual_seed(seed)
    net = create_model(sq.arch, K, S, **sq.arch_kwargs)
    t = Teacher(net, [str(k) for k in range(K)], S, [0.5] * 3, [0.25] * 3, CALHead(net.num_features, K, M=sq.M), {'test_acc': 0.9})
    t.eval()
    for p in t.parameters(): p.requires_grad_(False)
    return t

teachers = [member(s) for s in range(3)]
x0, y = torch.randn(K, 3, S, S), torch.arange(K)
prev = torch.rand(K, 2, sq.M, 8, 8)

def cpu(f):
    t = time.process_time(); f(); return time.process_time() - t

def bare(t, augment=True):
    x = x0.clone().requires_grad_(True)
    xa = jitter(random_resized_crop(x, generator=make_generator(0)), 4, make_generator(0)) if augment else x
    F.cross_entropy(t(xa), y).backward()

def step(method, n, comp=False):
    cfg = RecoverConfig(method=method, iterations=a.steps, compile=comp, amp='off')  # fp32, as the floor
    fd2 = 'fd2' in method
    recover_batch(teachers[0], x0, y, cfg, prev if fd2 else None, make_generator(0),
                  committee=teachers[1:n], prevs=[prev] * (n - 1) if fd2 else None)

if a.compile:  # compile every graph the rounds will use first
    w = time.time()
    for method in ('sre2l++', 'fd2', 'fadrm+', 'fadrm+fd2'):
        for n in (1, 2, 3): step(method, n, True)
    print(f'compiling (first calls): {time.time() - w:.0f} s wall')
rows = {}
for r in range(a.rounds):
    b = [min(cpu(lambda: bare(t)) for _ in range(3)) for t in teachers]
    b0 = [min(cpu(lambda: bare(t, False)) for _ in range(3)) for t in teachers]  # the network alone, no augmentation
    for method in ('sre2l++', 'fd2', 'fadrm+', 'fadrm+fd2'):
        for n in (1, 2, 3):
            s = cpu(lambda: step(method, n)) / a.steps
            c = cpu(lambda: step(method, n, True)) / a.steps if a.compile else float('nan')
            div = 1 if not method.startswith('fadrm+') else n   # FADRM+: one teacher a step
            floor, floor0 = sum(b[:n]) / div, sum(b0[:n]) / div
            rows.setdefault((method, n), []).append((s / floor, c / floor, s, c, floor, s / floor0, c / floor0))
print(f'{S} px, {K} images, ConvNet-4 teachers with CAL heads, one thread, CPU ms per step; each ratio is the median '
      f'over {a.rounds} rounds of step / floor within a round' + (', with and without recover.compile' if a.compile else ''))
cols = ['step ms', 'floor ms', 'step / floor'] + (['compiled step ms', 'compiled / floor'] if a.compile else []) + \
       ['step / unaugmented floor'] + (['compiled / unaugmented floor'] if a.compile else [])
print('| method | teachers | ' + ' | '.join(cols) + ' |'); print('|---' * (2 + len(cols)) + '|')
med = lambda v: sorted(v)[len(v) // 2]
for (method, n), v in rows.items():
    r, rc, s, c, f, r0, rc0 = (med([u[i] for u in v]) for i in range(7))
    extra = f' | {c * 1e3:.1f} | {rc:.2f}' if a.compile else ''
    extra0 = f' | {r0:.2f}' + (f' | {rc0:.2f}' if a.compile else '')
    print(f'| {method} | {n} | {s * 1e3:.1f} | {f * 1e3:.1f} | {r:.2f}{extra}{extra0} |')
