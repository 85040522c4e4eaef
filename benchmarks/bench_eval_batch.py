#!/usr/bin/env python
"""Test-split evaluation (`fd2dd.squeeze.accuracy`) at several batch sizes: process CPU ms per evaluation (best and
median of interleaved rounds), the largest logit difference to batch 256 (0.0: the same numbers bit for bit, so
the same accuracies) and the resident memory one evaluation adds at its peak (sampled every 2 ms). The default
student (ConvNet-4, width 32, instance norm) with random weights on the default synthbirds test split (500 images,
64 px), under the default autocast. A student evaluates about 15 times (every E/10 epochs and at each of the
last 5), so this is a small share of a run.
Usage: python benchmarks/bench_eval_batch.py [--bs 256 128 64 32] [--rounds 5] [--threads 1]"""
import argparse, threading, time
import psutil, torch
from fd2dd.core import autocast, get_device, release_memory
from fd2dd.data.core import Normalize, batches
from fd2dd.models.backbones import create_model
from fd2dd.squeeze import accuracy
from fd2dd.train import TrainConfig
from common import default_data

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--bs', nargs='+', type=int, default=[256, 128, 64, 32])
ap.add_argument('--rounds', type=int, default=5)
ap.add_argument('--threads', type=int, default=1)
a = ap.parse_args()
torch.set_num_threads(a.threads)
dev = get_device('auto')
_, test = default_data()
tc = TrainConfig()
m = create_model(tc.arch, test.num_classes, test.size, **tc.arch_kwargs).to(dev).eval()
norm = Normalize(*test.mean_std())


def logits(bs):
    with torch.no_grad(), autocast(dev, 'auto'):
        return torch.cat([m(norm(test.images[i].to(dev))).float() for i in batches(len(test), bs)])


def rss():
    return psutil.Process().memory_info().rss


def peak_added(bs):
    "Resident memory one evaluation adds at its peak, in MB."
    release_memory()
    base, peak, stop = rss(), [0], threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss())
            time.sleep(0.002)

    th = threading.Thread(target=sample)
    th.start()
    accuracy(m, test, norm, bs=bs, device=dev)
    stop.set()
    th.join()
    return max(0, peak[0] - base) / 2**20


ref = logits(256)
times = {b: [] for b in a.bs}
for _ in range(a.rounds):
    for b in a.bs:
        t0 = time.process_time()
        accuracy(m, test, norm, bs=b, device=dev)
        times[b].append((time.process_time() - t0) * 1000)
print(f"device {dev}, {a.threads} thread(s), {len(test)} test images at {test.size} px, {a.rounds} rounds")
for b in a.bs:
    t = sorted(times[b])
    print(f"batch {b:4d}: {t[0]:7.1f} ms best, {t[len(t) // 2]:7.1f} ms median per evaluation; "
          f"max |logit - batch 256's| {(logits(b) - ref).abs().max().item():.1e}; peak added {peak_added(b):5.0f} MB")
