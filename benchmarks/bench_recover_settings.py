#!/usr/bin/env python
"""Student accuracy from distilled sets made with different recover settings on the default teacher
(synthbirds, 10 classes, IPC 10): the numbers behind RecoverConfig's CPU defaults. Each argument is
a JSON dict of RecoverConfig fields (plus 'train' for TrainConfig fields, and method 'random').
Example: python benchmarks/bench_recover_settings.py '{"method": "sre2l++", "iterations": 100, "lr": 0.01, "init_factor": 2}'"""
import sys, json, time, tempfile
from pathlib import Path
from common import default_data, default_teacher
from fd2dd.synth.recover import RecoverConfig, recover
from fd2dd.synth.select import random_select
from fd2dd.distilled import load_distilled
from fd2dd.train import TrainConfig, train_student

train, test = default_data(); teacher = default_teacher(train, test)
specs = sys.argv[1:] or ['{"method": "random"}', '{"method": "sre2l++", "iterations": 0}',
                         '{"method": "sre2l++", "init_factor": 2}', '{"method": "sre2l++"}', '{"method": "fd2"}']
for spec in specs:
    a = json.loads(spec); tc = TrainConfig(**a.pop('train', {})); t0 = time.time()
    if a.get('method') == 'random': d = random_select(train, 10)
    else:
        out = Path(tempfile.mkdtemp()); recover(teacher, train, 10, RecoverConfig(**a), out); d = load_distilled(out)[0]
    t1 = time.time(); r = train_student(tc, d, test, teacher)
    print(f"{spec}: final {r['final_acc']*100:.1f}% best {r['best_acc']*100:.1f}% (recover {t1 - t0:.0f}s, student {time.time() - t1:.0f}s)", flush=True)
