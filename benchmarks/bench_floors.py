#!/usr/bin/env python
"""Student training against its floor on this machine: fd2dd's `train_student` (views, online teacher
relabel, KD step) per optimiser step, against the bare work on one fixed batch (the default teacher's forward
plus the student's forward, backward and AdamW step, same networks, same autocast and layout).
Throughput fraction = bare / fd2dd (1.0: nothing but the networks' own work). Random weights: speed only.
Usage: python benchmarks/bench_floors.py [--arch convnet4 resnet18] [--size 32 64] [--batch 10] [--steps 200]
[--layout] (also time the bare step in the default NCHW layout and in fp32)"""
import argparse, time
import torch
from fd2dd.core import autocast, get_device, set_quiet
from fd2dd.data.core import ImageData, Normalize
from fd2dd.losses import kd_loss
from fd2dd.models.backbones import create_model
from fd2dd.squeeze import SqueezeConfig, Teacher
from fd2dd.train import TrainConfig, train_student, teacher_logits

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--arch', nargs='+', default=['convnet4', 'resnet18'])
ap.add_argument('--size', nargs='+', type=int, default=[32, 64])
ap.add_argument('--batch', type=int, default=10)
ap.add_argument('--steps', type=int, default=200)
ap.add_argument('--layout', action='store_true')
a = ap.parse_args(); set_quiet(True)
dev = get_device('auto'); K = 10
KW = {'convnet4': TrainConfig().arch_kwargs, 'resnet18': {}}               # students
TKW = {'convnet4': SqueezeConfig().arch_kwargs, 'resnet18': {}}           # teachers (the defaults' BatchNorm ConvNet-4 with 8x8 maps)
print(f"device {dev}, {torch.get_num_threads()} threads, batch {a.batch}, {a.steps} steps; ms per optimiser step")

def bare(arch, S, cl=True, amp='auto', n=None):
    "ms per step of the bare work: teacher forward + student forward/backward/AdamW on one fixed batch."
    t = create_model(arch, K, S, channels_last=cl, **TKW.get(arch, {})).to(dev).eval()
    s = create_model(arch, K, S, channels_last=cl, **KW.get(arch, {})).to(dev).train()
    opt = torch.optim.AdamW(s.parameters(), 1e-3, fused=dev.type in ('cpu', 'cuda'))
    x = torch.randn(a.batch, 3, S, S, device=dev)
    def step():
        with torch.no_grad(), autocast(dev, amp): tl = t(x).float()
        with autocast(dev, amp): loss = kd_loss(s(x), tl, 20.)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    for _ in range(5): step()
    n = n or a.steps; t0 = time.perf_counter()
    for _ in range(n): step()
    return (time.perf_counter() - t0) / n * 1e3

for arch in a.arch:
    for S in a.size:
        g = torch.Generator().manual_seed(0)
        n = 3 * K                                            # IPC 3: 30 images
        data = ImageData(torch.randint(0, 256, (n, 3, S, S), dtype=torch.uint8, generator=g), torch.arange(n) % K, [str(i) for i in range(K)])
        test = ImageData(data.images[:10], data.labels[:10], data.classes)
        teacher = Teacher(create_model(arch, K, S, **TKW.get(arch, {})), data.classes, S, [0.5] * 3, [0.25] * 3).eval()
        cfg = TrainConfig(arch=arch, arch_kwargs=KW.get(arch, {}), min_steps=a.steps, avg_last=1, eval_every=10**6)
        train_student(cfg.replace(min_steps=15), data, test, teacher)          # warm-up
        t0 = time.perf_counter(); r = train_student(cfg, data, test, teacher); dt = time.perf_counter() - t0
        ours = dt / r['budget']['steps'] * 1e3; fl = bare(arch, S)
        line = f"{arch:9s} {S:3d}px  fd2dd {ours:7.1f}  bare {fl:7.1f}  throughput fraction {fl / ours:.2f}"
        if a.layout:
            line += f"   bare NCHW bf16 {bare(arch, S, cl=False, n=a.steps // 2):.1f}  bare fp32 {bare(arch, S, amp='off', n=a.steps // 2):.1f}  NCHW fp32 {bare(arch, S, cl=False, amp='off', n=a.steps // 2):.1f}"
        print(line, flush=True)
