#!/usr/bin/env python
"""Train the default teacher on synthbirds (10 classes, 64 px) and print throughput, wall time and
test accuracy. Usage: python benchmarks/bench_squeeze.py [--epochs N] [--no-cal] [--amp on|off|auto]"""
from pathlib import Path
import argparse, shutil, time, tempfile
from common import CACHE
from fd2dd.core import set_quiet
from fd2dd.data.synth import SynthBirds
from fd2dd.squeeze import SqueezeConfig, train_teacher

p = argparse.ArgumentParser(); p.add_argument('--epochs', type=int, default=None); p.add_argument('--no-cal', action='store_true')
p.add_argument('--amp', default='auto'); p.add_argument('--arch', default=None); a = p.parse_args()
set_quiet(True)
sb = SynthBirds(num_classes=10, size=64, n_train=300, n_test=50)
t0 = time.time(); tr, te = sb.data('train'), sb.data('test'); gen = time.time() - t0
cfg = SqueezeConfig(cal=not a.no_cal, amp=a.amp)
if a.epochs: cfg = cfg.replace(epochs=a.epochs)
if a.arch: cfg = cfg.replace(arch=a.arch, arch_kwargs={})
t0 = time.time()
default = not (a.epochs or a.no_cal or a.arch or a.amp != 'auto')
out = CACHE/'teacher' if default else Path(tempfile.mkdtemp())
shutil.rmtree(out, ignore_errors=True)
t = train_teacher(cfg, tr, te, out, 'synthbirds')   # the default teacher is kept for the other benchmarks
wall = time.time() - t0
h = t.meta['history']
print(f"data generation: {len(tr)+len(te)} images in {gen:.1f}s")
for e in h: print(f"epoch {e['epoch']:2d} loss {e['loss']:.3f} test_acc {e['test_acc']:.3f} {e['img_per_s']:.0f} img/s")
print(f"teacher {cfg.arch} cal={cfg.cal} amp={cfg.amp}: wall {wall:.1f}s, train {sum(e['img_per_s'] for e in h)/len(h):.0f} img/s, "
      f"final test accuracy {t.meta['test_acc']:.3f}")

# how much attention falls on the discriminative parts (test images, synthbirds masks)
import torch
from fd2dd.models.attention import cal_attention, feature_attention
from fd2dd.metrics import attention_on_part
with torch.no_grad():
    o = t.forward_all(t.norm(te.images))
    disc = te.masks[:, -1]
    area = disc.float().mean((1, 2)).mean().item()
    print(f"attention on discriminative parts (share of mass; uniform attention = mask area {area:.3f}):")
    print(f"  feature-norm map of the backbone: {attention_on_part(feature_attention(o['fmap']), disc).mean():.3f}")
    if t.cal is not None: print(f"  CAL attention (mean of M maps):   {attention_on_part(cal_attention(o['cal']['attn']), disc).mean():.3f}")
    if t.cal is not None: print(f"  CAL head test accuracy:            {(o['cal']['logits'].argmax(1) == te.labels).float().mean():.3f}")

flowers = Path(__file__).resolve().parents[2]/'shared'/'data'/'flowers12'
if '--flowers' in __import__('sys').argv or (default and flowers.exists()):
    from fd2dd.data.real import load_dataset
    if not flowers.exists(): print('flowers12 not found: skipped')
    else:
        ftr, fte = load_dataset('imagefolder', flowers, 'train', 64), load_dataset('imagefolder', flowers, 'test', 64)
        t0 = time.time(); ft = train_teacher(SqueezeConfig(epochs=30, cal_start=20), ftr, fte, None, 'flowers12'); w = time.time() - t0
        h = ft.meta['history']
        print(f"flowers12 (64 px, {len(ftr)} train images, 30 epochs, CAL from epoch 20): wall {w:.1f}s, "
              f"train {sum(e['img_per_s'] for e in h)/len(h):.0f} img/s, test accuracy {ft.meta['test_acc']:.3f}")
