#!/usr/bin/env python
"""Train the default teacher on synthbirds (10 classes, 64 px) and print throughput, wall time and
test accuracy. Usage: python benchmarks/bench_squeeze.py [--epochs N] [--no-cal] [--amp on|off|auto]"""
import argparse, time, tempfile
from fd2dd.core import set_quiet
from fd2dd.data.synth import SynthBirds
from fd2dd.squeeze import SqueezeConfig, train_teacher

p = argparse.ArgumentParser(); p.add_argument('--epochs', type=int, default=None); p.add_argument('--no-cal', action='store_true')
p.add_argument('--amp', default='auto'); p.add_argument('--arch', default=None); a = p.parse_args()
set_quiet(True)
sb = SynthBirds(num_classes=10, size=64)
t0 = time.time(); tr, te = sb.data('train'), sb.data('test'); gen = time.time() - t0
cfg = SqueezeConfig(cal=not a.no_cal, amp=a.amp)
if a.epochs: cfg = cfg.replace(epochs=a.epochs)
if a.arch: cfg = cfg.replace(arch=a.arch, arch_kwargs={})
t0 = time.time()
with tempfile.TemporaryDirectory() as d: t = train_teacher(cfg, tr, te, d, 'synthbirds')
wall = time.time() - t0
h = t.meta['history']
print(f"data generation: {len(tr)+len(te)} images in {gen:.1f}s")
for e in h: print(f"epoch {e['epoch']:2d} loss {e['loss']:.3f} test_acc {e['test_acc']:.3f} {e['img_per_s']:.0f} img/s")
print(f"teacher {cfg.arch} cal={cfg.cal} amp={cfg.amp}: wall {wall:.1f}s, train {sum(e['img_per_s'] for e in h)/len(h):.0f} img/s, "
      f"final test accuracy {t.meta['test_acc']:.3f}")
