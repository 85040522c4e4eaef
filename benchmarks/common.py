"Shared setup for the benchmark scripts: a default synthbirds split and a teacher trained once and cached."
import os, sys, time
from pathlib import Path
import torch
from fd2dd.core import set_quiet
from fd2dd.data.synth import SynthBirds
from fd2dd.pipeline import DataConfig, load_data
from fd2dd.squeeze import SqueezeConfig, train_teacher, load_teacher

CACHE = Path(os.environ.get('FD2DD_BENCH_CACHE', Path.home()/'.cache'/'fd2dd'/'bench'))
set_quiet(True)

def default_data():
    "The embedded default dataset (10 classes, 64 px), as `fd2dd run` uses it."
    return load_data(DataConfig())

def default_teacher(train, test):
    "The default teacher, trained once and cached under FD2DD_BENCH_CACHE (delete it to retrain)."
    d = CACHE/'teacher'
    if (d/'teacher.pt').exists(): return load_teacher(d)
    return train_teacher(SqueezeConfig(), train, test, d, 'synthbirds')

def timeit(f, n=5, warmup=2):
    "Median seconds of f() over n runs after warm-up."
    for _ in range(warmup): f()
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]

def default_observer(train, test):
    "FocusDD's default ViT-Tiny observer (RunConfig.observer), trained once and cached."
    from fd2dd.pipeline import RunConfig
    d = CACHE/'observer'
    if (d/'teacher.pt').exists(): return load_teacher(d)
    return train_teacher(RunConfig().observer, train, test, d, 'synthbirds')
