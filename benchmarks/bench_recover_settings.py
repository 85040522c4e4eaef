#!/usr/bin/env python
"""Student accuracy from distilled sets made with different recover settings (synthbirds, 10 classes,
IPC 10): the numbers behind RecoverConfig's CPU defaults. Settings are compared on a validation
split carved from train (20%), with a teacher trained on the rest; the test split is not used. Each argument is
a JSON dict of RecoverConfig fields (plus 'train' for TrainConfig fields, and method 'random').
Example: python benchmarks/bench_recover_settings.py '{"method": "sre2l++", "iterations": 100, "lr": 0.01, "init_factor": 2}'"""
import sys, json, time, tempfile
from pathlib import Path
from common import CACHE
from fd2dd.pipeline import DataConfig, load_data
from fd2dd.squeeze import SqueezeConfig, train_teacher, load_teacher
from fd2dd.synth.recover import RecoverConfig, recover
from fd2dd.synth.select import random_select
from fd2dd.distilled import load_distilled
from fd2dd.train import TrainConfig, train_student

train, val, test = load_data(DataConfig(val_fraction=0.2), return_val=True)
tdir = CACHE/'teacher_val'
teacher = load_teacher(tdir) if (tdir/'teacher.pt').exists() else train_teacher(SqueezeConfig(), train, val, tdir, 'synthbirds')
print(f"teacher trained on {len(train)} images, validation accuracy {teacher.meta['test_acc']*100:.1f}% ({len(val)} validation images)")
specs = sys.argv[1:] or ['{"method": "random"}', '{"method": "sre2l++", "iterations": 0}',
                         '{"method": "sre2l++", "init_factor": 2}', '{"method": "sre2l++"}', '{"method": "fd2"}']
for spec in specs:
    a = json.loads(spec); tc = TrainConfig(**a.pop('train', {})); t0 = time.time()
    if a.get('method') == 'random': d = random_select(train, 10)
    else:
        out = Path(tempfile.mkdtemp()); recover(teacher, train, 10, RecoverConfig(**a), out); d = load_distilled(out)[0]
    t1 = time.time(); r = train_student(tc, d, val, teacher)
    print(f"{spec}: validation final {r['final_acc']*100:.1f}% best {r['best_acc']*100:.1f}% (recover {t1 - t0:.0f}s, student {time.time() - t1:.0f}s)", flush=True)
