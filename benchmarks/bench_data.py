#!/usr/bin/env python
"Generation throughput of synthbirds and throughput of the cached real-data loader (images/second)."
import tempfile, time, os
from pathlib import Path
import common
from fd2dd.data.synth import SynthBirds
from fd2dd.data.real import load_dataset

for size in (32, 64):
    sb = SynthBirds(num_classes=10, size=size, n_train=300, n_test=0)
    t = time.perf_counter(); d = sb.data('train'); dt = time.perf_counter() - t
    print(f'synthbirds generation {size:3d} px: {len(d)} images in {dt:.2f}s = {len(d)/dt:.0f} images/s')
with tempfile.TemporaryDirectory() as tmp:
    os.environ['FD2DD_CACHE'] = str(Path(tmp)/'cache')
    SynthBirds(num_classes=10, size=64, n_train=100, n_test=10).write(Path(tmp)/'sb')
    t = time.perf_counter(); d = load_dataset('imagefolder', Path(tmp)/'sb', 'train', 64); dt = time.perf_counter() - t
    print(f'imagefolder first load (decode + resize + cache) 64 px: {len(d)/dt:.0f} images/s')
    t = time.perf_counter(); d = load_dataset('imagefolder', Path(tmp)/'sb', 'train', 64); dt = time.perf_counter() - t
    print(f'imagefolder cached load 64 px: {len(d)/dt:.0f} images/s')
    shared = Path(__file__).resolve().parents[2]/'shared'/'data'/'flowers12'
    if shared.exists():
        t = time.perf_counter(); d = load_dataset('imagefolder', shared, 'train', 64); dt = time.perf_counter() - t
        print(f'flowers12 (224 px JPEG -> 64 px) first load: {len(d)/dt:.0f} images/s')
        t = time.perf_counter(); d = load_dataset('imagefolder', shared, 'train', 64); dt = time.perf_counter() - t
        print(f'flowers12 cached load: {len(d)/dt:.0f} images/s')
    else: print('flowers12 not found beside the repository: skipped')
